"""Pages of the training app: the course catalogue, course runs with their results grid,
trainees and imports, and assessments."""
