"""Pure parsers for every supported public format: files in, plain rows out, no database.

The registry :data:`FIGURE_FORMATS` lists the formats of figure files; :func:`read_figures`
detects the format from the header. Area lists, boundaries and police incidents have their
own parsers because they feed other tables.
"""
