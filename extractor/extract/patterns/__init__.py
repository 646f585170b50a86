"""Named, commented regular expressions, one module per kind of value printed: numbers
(``numbers``), participant and response counts (``counts``), P values (``pvalues``), effect
estimates (``effects``), and what they share (``common``)."""
