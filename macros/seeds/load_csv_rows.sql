{#-
    postgres__load_csv_rows(model, agate_table): dbt's seed loader for
    PostgreSQL, same statements as dbt's default__load_csv_rows (one
    multi-row `insert ... values (%s, ...)` per batch, values passed as
    bindings) but the placeholder list is built by string repetition instead
    of a Jinja loop over every cell, which took minutes on the demo seeds
    (about 200,000 cells in ads_spend_daily alone). Overrides the global
    macro through dbt's dispatch: the root project is searched first.
-#}
{% macro postgres__load_csv_rows(model, agate_table) %}
    {%- set batch_size = get_batch_size() -%}
    {%- set cols_sql = get_seed_column_quoted_csv(model, agate_table.column_names) -%}
    {%- set row_placeholders = '(' ~ ([get_binding_char()] * (agate_table.column_names | length)) | join(', ') ~ ')' -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(batch_size) -%}
        {%- set bindings = [] -%}
        {%- for row in chunk -%}
            {%- do bindings.extend(row) -%}
        {%- endfor -%}
        {%- set sql = 'insert into ' ~ this.render() ~ ' (' ~ cols_sql ~ ') values\n' ~ ([row_placeholders] * (chunk | length)) | join(',\n') -%}
        {%- do adapter.add_query(sql, bindings=bindings, abridge_sql_log=True) -%}
        {%- if loop.index0 == 0 -%}
            {%- do statements.append(sql) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(statements[0]) }}
{% endmacro %}


{#-
    spark__load_csv_rows(model, agate_table): dbt's seed loader on Spark, with an empty CSV field loaded as
    null. dbt-spark's own formats its bindings into the SQL with Python's `%` in method session, so an empty
    field (None) became the text 'None' (a demo row then failed the contract: "terminated_date None is not a
    date"). Here every value is a Spark string literal (backslash and quote escaped) or null, cast to the
    seed's column type, in multi-row inserts of get_batch_size() rows.
-#}
{% macro spark__load_csv_rows(model, agate_table) %}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set types = [] -%}
    {%- for column_name in agate_table.column_names -%}
        {%- do types.append(column_override.get(column_name, adapter.convert_type(agate_table, loop.index0))) -%}
    {%- endfor -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(get_batch_size()) -%}
        {%- set rows = [] -%}
        {%- for row in chunk -%}
            {%- set values = [] -%}
            {%- for value in row -%}
                {%- if value is none -%}
                    {%- set literal = 'null' -%}
                {%- else -%}
                    {%- set literal = "'" ~ (value | string | replace('\\', '\\\\') | replace("'", "\\'")) ~ "'" -%}
                {%- endif -%}
                {%- do values.append('cast(' ~ literal ~ ' as ' ~ types[loop.index0] ~ ')') -%}
            {%- endfor -%}
            {%- do rows.append('(' ~ values | join(', ') ~ ')') -%}
        {%- endfor -%}
        {%- set sql = 'insert into ' ~ this.render() ~ ' values\n' ~ rows | join(',\n') -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- if loop.index0 == 0 -%}
            {%- do statements.append(sql) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(statements[0]) }}
{% endmacro %}
