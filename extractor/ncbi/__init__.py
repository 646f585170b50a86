"""Talking to NCBI: E-utilities requests with the rate limiter and retries (``fetch``), searches
(``search``). Returns raw bytes; no parsing."""
