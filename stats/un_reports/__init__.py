"""Reading the UN's monthly "Contribution of Uniformed Personnel" reports (PDF)."""
