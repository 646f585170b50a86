"""Running the stages: fetch -> parse -> extract -> store for PMIDs, searches and files
(``pipeline``), the work on one record in this process or worker processes (``work``), PubMed
baseline files (``baseline``) and the same on Dask (``cluster``)."""
