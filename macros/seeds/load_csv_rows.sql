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
