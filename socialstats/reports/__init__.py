"""Reports: growth, dashboard, engagement, reach, silent pages, charts, their views, filters and tables."""
