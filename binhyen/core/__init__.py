"""The foundation every app stands on: Vietnamese text and numbers, periods, database helpers,
locks, bounds, the edge's input cleaning, spreadsheets, generic views and API plumbing, error
pages and security headers. It imports Django and libraries only, never an app."""
