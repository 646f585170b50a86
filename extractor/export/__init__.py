"""``extract export``: the findings of stored articles as rows a reviewer can pool (arms and
contrasts: ``contrasts``) in the formats of the tools that pool them (``formats``).

This module imports nothing, so that ``extract export --help`` can show the lines of R that
read each format.
"""

R_LINES = {
    "metafor": ('d <- read.csv("contrasts.csv")\n'
                'res <- metafor::rma(yi = yi, sei = sei, data = d, slab = study)\n'
                'b <- metafor::escalc("OR", ai = ai, n1i = n1i, ci = ci, n2i = n2i, data = d)'),
    "meta": ('d <- read.csv("contrasts.csv", check.names = FALSE)\n'
             'm <- meta::metagen(TE, seTE, studlab = studlab, data = d, sm = "OR")\n'
             'b <- meta::metabin(event.e, n.e, event.c, n.c, studlab = studlab, data = d)'),
    "revman": ('d <- read.csv("contrasts.csv", check.names = FALSE)  # RevMan: '
               'Import data > CSV'),
    "jsonl": 'd <- jsonlite::stream_in(file("contrasts.jsonl"))',
}
