"""The names an SQL text mentions (core.sql_names): what the guard counts a query as reading."""

from classification_plugin.core.sql_names import named_identifiers


def test_bare_quoted_bracketed_and_backticked_names_are_read_lower_cased():
    sql = """SELECT p.fid, "Control Points".geom FROM control_points AS p
             JOIN [parcels] ON 1 JOIN `Wells` USING (fid)"""
    assert {"control_points", "control points", "parcels", "wells", "p", "select"} <= named_identifiers(sql)


def test_names_in_comments_and_string_literals_do_not_count():
    sql = "SELECT * FROM roads -- control_points\n WHERE name = 'parcels' /* wells */ AND kind = 'it''s'"
    names = named_identifiers(sql)
    assert "roads" in names and not {"control_points", "parcels", "wells", "it", "s"} & names


def test_a_doubled_quote_inside_a_quoted_name_is_one_quote():
    assert '"odd" table' in named_identifiers('SELECT * FROM """odd"" table"')


def test_nothing_for_no_sql():
    assert named_identifiers("") == set() and named_identifiers(None) == set()
