"""The Datasette views: one row per article (``article_findings``, ``article_overview``) and
one row per finding with its evidence (``evidence``).

The two article views show the same lists of an article's findings, once as plain text
(names joined by "; ") and once with the names as JSON lists (for Datasette's array facets),
so each list's query is written once here (``_NAMES``, ``_LINES``) and wrapped for each view.
"""

from __future__ import annotations

# The names an article's findings list, each a query of distinct names in name order
# (``a`` is the article row).
_NAMES: dict[str, str] = {
    "studied_drugs": """
     select distinct d.name from article_drugs ad join drugs d on d.id = ad.drug_id
     where ad.pmid = a.pmid and ad.studied order by d.name""",
    "drugs": """
     select distinct d.name from article_drugs ad join drugs d on d.id = ad.drug_id
     where ad.pmid = a.pmid order by d.name""",
    "population_conditions": """
     select distinct c.name from article_conditions ac join conditions c on c.id = ac.condition_id
     where ac.pmid = a.pmid and ac.role = 'population' order by c.name""",
    "conditions": """
     select distinct c.name from article_conditions ac join conditions c on c.id = ac.condition_id
     where ac.pmid = a.pmid order by c.name""",
    "measured": """
     select distinct d.name from article_drugs ad join drugs d on d.id = ad.drug_id
     where ad.pmid = a.pmid and ad.role = 'measured' order by d.name""",
}

# The numbers an article's findings list, as short lines in text order: (the query's column,
# the query). A count without its group (stored by an earlier version) shows as "6/?".
_LINES: dict[str, tuple[str, str]] = {
    "arms": ("arm", """
     select coalesce(ar.label, '?') || ' ' || ar.size as arm from arms ar
     where ar.pmid = a.pmid order by ar.position"""),
    "response_counts": ("counts", """
     select rc.responders || '/' || coalesce(rc.total, '?') as counts from response_counts rc
     where rc.pmid = a.pmid order by rc.position"""),
    "p_values": ("text", """
     select p.text from p_values p where p.pmid = a.pmid order by p.position"""),
}


def _names(name: str, as_json: bool = False) -> str:
    """The column ``name`` of ``_NAMES``: "; "-joined text, or a JSON list."""
    aggregate = "json_group_array(name)" if as_json else "group_concat(name, '; ')"
    return f"(select {aggregate} from ({_NAMES[name]})) as {name}"


def _lines(name: str) -> str:
    """The column ``name`` of ``_LINES``, its lines joined by "; "."""
    column, query = _LINES[name]
    return f"(select group_concat({column}, '; ') from ({query})) as {name}"


VIEWS: dict[str, str] = {
    # One row per article: what was found, in a line each.
    "article_findings": f"""
select
  a.pmid,
  a.title,
  a.journal,
  a.year,
  a.kind,
  a.retracted,
  {_names("studied_drugs")},
  {_names("drugs")},
  {_names("population_conditions")},
  {_names("conditions")},
  {_names("measured")},
  a.sample_size,
  {_lines("arms")},
  {_lines("response_counts")},
  {_lines("p_values")},
  (select min(p.value) from p_values p where p.pmid = a.pmid) as min_p_value,
  (select count(*) from p_values p where p.pmid = a.pmid and p.significant) as significant_p_values,
  (select count(*) from doubts dt where dt.pmid = a.pmid) as doubts,
  a.extractor_version,
  a.extracted_at
from articles a
""",
    # The reviewer's list of articles in Datasette: drugs, conditions and publication types as
    # JSON lists (for facets), a PubMed link, and ``rowid`` so the articles_fts search box works
    # here too (extractor/data/metadata.yml names articles_fts as this view's fts_table).
    "article_overview": f"""
select
  a.pmid,
  'https://pubmed.ncbi.nlm.nih.gov/' || a.pmid || '/' as pubmed_url,
  a.title,
  a.journal,
  a.year,
  {_names("studied_drugs", as_json=True)},
  {_names("population_conditions", as_json=True)},
  a.publication_types,
  {_names("measured", as_json=True)},
  {_names("drugs", as_json=True)},
  {_names("conditions", as_json=True)},
  a.sample_size,
  {_lines("arms")},
  {_lines("response_counts")},
  {_lines("p_values")},
  case when exists (select 1 from p_values p where p.pmid = a.pmid)
    then exists (select 1 from p_values p where p.pmid = a.pmid and p.significant)
  end as significant,
  a.retracted,
  (select count(*) from doubts dt where dt.pmid = a.pmid) as doubts,
  a.language,
  a.kind,
  a.rowid as rowid
from articles a
order by a.year desc, cast(a.pmid as integer) desc
""",
    # Every finding with its evidence, one row each, for review against the section text.
    "evidence": """
select ad.pmid, 'drugs' as field, d.name as value, ad.text, ad.section, ad.section_index,
  ad.start, ad."end"
from article_drugs ad join drugs d on d.id = ad.drug_id where ad.text is not null
union all
select ac.pmid, 'conditions', c.name, ac.text, ac.section, ac.section_index, ac.start, ac."end"
from article_conditions ac join conditions c on c.id = ac.condition_id where ac.text is not null
union all
select pmid, 'sample_size', cast(value as text), text, section, section_index, start, "end"
from sample_sizes
union all
select pmid, 'arms', coalesce(label, '?') || ' - ' || size, text, section, section_index, start,
  "end"
from arms
union all
select pmid, 'response_counts', responders || '/' || coalesce(total, '?'), text, section, section_index,
  start, "end"
from response_counts
union all
select pmid, 'p_values', operator || ' ' || value, text, section, section_index, start, "end"
from p_values
""",
}
