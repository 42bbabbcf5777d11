"""Post search: the query language (``query``), how each database matches words
(``backends``) and the permission-filtered read behind the API (``selectors``)."""
