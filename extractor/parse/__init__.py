"""Raw bytes -> ``Article`` records: efetch XML (``pubmed_xml``), PubMed pages (``pubmed_page``),
telling them apart (``sniff``), text normalisation (``text``), gzip files read to their last
whole byte (``gzip_stream``). No I/O beyond the stream given, no globals."""
