"""Pages of unit types (tables of positions), rotations and their positions."""
