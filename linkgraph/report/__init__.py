"""Case-meeting reports and exports: one offline HTML file, and graph files for other tools."""
