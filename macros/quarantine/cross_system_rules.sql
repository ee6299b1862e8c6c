{#-
    Cross-table rules of the raw data contract (docs/quarantine.md): foreign keys (unknown_reference,
    reference_after_as_of, quarantined_reference, before_reference) and FX rates (no_fx_rate; the first day a
    currency converts: contract_fx.sql). contract_cross_rules() lists them per table as SQL snippets; the
    verdict CTEs (verdict_ctes.sql) apply them, parents before children (contract_tables_in_order()).
-#}

{#- contract_tables_in_order(names, scope='all'): the contract tables of `names` and every table they reference
    through a foreign key (scope 'source': only foreign keys within the table's own source system), parents
    before children. -#}
{% macro contract_tables_in_order(names, scope='all') -%}
    {%- set by_name = {} -%}
    {%- for table in raw_contract() %}{% do by_name.update({table.name: table}) %}{% endfor -%}
    {%- set needed = [] -%}
    {%- for name in names if name not in needed %}{% do needed.append(name) %}{% endfor -%}
    {%- for _ in range(20) -%}
        {%- for name in needed | list -%}
            {%- for column in by_name[name].columns if column.get('references') -%}
                {%- set parent = column.references.split('.')[0] -%}
                {%- if parent not in needed and (scope == 'all' or by_name[parent].source == by_name[name].source) -%}
                    {%- do needed.append(parent) -%}
                {%- endif -%}
            {%- endfor -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- set ordered = [] -%}
    {%- for _ in range(20) -%}
        {%- for table in raw_contract() if table.name in needed and table not in ordered -%}
            {%- set ready = [] -%}
            {%- for column in table.columns if column.get('references') -%}
                {%- set parent = column.references.split('.')[0] -%}
                {%- if parent in needed and parent != table.name and by_name[parent] not in ordered -%}
                    {%- do ready.append(parent) -%}
                {%- endif -%}
            {%- endfor -%}
            {%- if not ready %}{% do ordered.append(table) %}{% endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- if ordered | length != needed | length -%}
        {{ exceptions.raise_compiler_error('the foreign keys of the raw data contract form a cycle among ' ~ needed | join(', ')) }}
    {%- endif -%}
    {{ return(ordered) }}
{%- endmacro %}


{#- contract_cross_rules(table, scope='all'): the joins and the cross-table rules of a table, in precedence
    order: each foreign key (unknown, held back, quarantined parent), then each FX column. Scope 'source': only
    the rules within the table's own source system (foreign keys into it; FX rates when it is finance's). -#}
{% macro contract_cross_rules(table, scope='all') -%}
    {%- set by_name = {} -%}
    {%- for column in table.columns %}{% do by_name.update({column.name: column}) %}{% endfor -%}
    {%- set held_back = quarantine_held_back_rules() -%}
    {%- set joins = [] -%}
    {%- set rules = [] -%}
    {%- set fx_source = raw_contract_table('finance_fx_rates').source -%}
    {%- for column in table.columns if column.get('references') and (
        scope == 'all' or raw_contract_table(column.references.split('.')[0]).source == table.source
    ) -%}
        {%- set parent_table, parent_column = column.references.split('.') -%}
        {%- set parent = raw_contract_table(parent_table) -%}
        {%- if parent.primary_key | list != [parent_column] -%}
            {{ exceptions.raise_compiler_error(table.name ~ '.' ~ column.name ~ ' references ' ~ column.references ~ ', which is not the one-column key of ' ~ parent_table) }}
        {%- endif -%}
        {%- set alias = 'ref__' ~ column.name -%}
        {%- set value = typed_value(column, 'base') -%}
        {%- do joins.append('left join state__' ~ parent_table ~ ' as ' ~ alias ~ ' on ' ~ value ~ ' = ' ~ alias ~ '.parent_key') -%}
        {#- with a CRM adapter, a key the adapter left out on purpose (a merged-away or deleted record) says so -#}
        {%- set vendor_note = '' -%}
        {%- if crm_source() != 'contract' and parent_table in adapter_crm_tables() -%}
            {%- set note_alias = 'vendor__' ~ column.name -%}
            {%- do joins.append('left join vendor_excluded_keys as ' ~ note_alias ~ ' on ' ~ value ~ ' = ' ~ note_alias ~ '.record_id') -%}
            {%- set vendor_note = " || coalesce(' (' || " ~ note_alias ~ ".vendor_note || ')', '')" -%}
        {%- endif -%}
        {%- do rules.append({
            'rule': 'unknown_reference', 'column': column.name,
            'condition': value ~ ' is not null and ' ~ alias ~ '.parent_key is null',
            'message': "'" ~ column.name ~ " ' || " ~ quarantine_text(value) ~ " || ' is not in " ~ column.references ~ "'"
                ~ vendor_note}) -%}
        {%- do rules.append({
            'rule': 'reference_after_as_of', 'column': column.name,
            'condition': alias ~ '.has_clean_row = 0 and ' ~ alias ~ '.is_held_back = 1',
            'message': "'" ~ column.name ~ " ' || " ~ quarantine_text(value) ~ " || ' is held back in "
                ~ parent_table ~ " (dated after the as-of date)'"}) -%}
        {%- do rules.append({
            'rule': 'quarantined_reference', 'column': column.name,
            'condition': alias ~ '.has_clean_row = 0',
            'message': "'" ~ column.name ~ " ' || " ~ quarantine_text(value) ~ " || ' is quarantined in "
                ~ parent_table ~ " (see quarantine.quarantined_rows)'"}) -%}
        {#- a column of this row that must not precede a column of the referenced row -#}
        {%- for other in table.columns if other.get('not_before_reference')
            and other.not_before_reference.split('.')[0] == column.name -%}
            {%- set parent_value = alias ~ '.parent__' ~ other.not_before_reference.split('.')[1] -%}
            {%- do rules.append({
                'rule': 'before_reference', 'column': other.name,
                'condition': typed_value(other, 'base') ~ ' < ' ~ parent_value,
                'message': "'" ~ other.name ~ " ' || " ~ quarantine_text(clean_string('base.' ~ other.name))
                    ~ " || ' is before the " ~ other.not_before_reference.split('.')[1] ~ " of " ~ parent_table ~ " ' || "
                    ~ quarantine_text(value) ~ " || ' (' || cast(" ~ parent_value ~ " as " ~ dbt.type_string() ~ ") || ')'"}) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- for column in table.columns if column.get('fx_date') and (scope == 'all' or table.source == fx_source) -%}
        {%- set alias = 'fx__' ~ column.name -%}
        {%- set value = typed_value(column, 'base') -%}
        {%- set fx_day = 'cast(' ~ typed_value(by_name[column.fx_date], 'base') ~ ' as date)' -%}
        {%- set amounts = [] -%}
        {%- for money in table.columns if money.get('money_in') == column.name -%}
            {%- do amounts.append(typed_value(money, 'base') ~ ' is not null') -%}
        {%- endfor -%}
        {%- do joins.append('left join contract_fx_starts as ' ~ alias ~ ' on ' ~ value ~ ' = ' ~ alias ~ '.currency') -%}
        {%- do rules.append({
            'rule': 'no_fx_rate', 'column': column.name,
            'condition': value ~ ' <> ' ~ reporting_currency()
                ~ (' and (' ~ amounts | join(' or ') ~ ')' if amounts else '')
                ~ ' and (' ~ alias ~ '.first_rate_date is null or ' ~ fx_day ~ ' < ' ~ alias ~ '.first_rate_date)',
            'message': "'no FX rate from ' || " ~ quarantine_text(value) ~ " || ' to " ~ reporting_currency() | replace("'", "")
                ~ " on or before " ~ column.fx_date ~ " ' || " ~ quarantine_text(clean_string('base.' ~ column.fx_date))}) -%}
    {%- endfor -%}
    {{ return({'joins': joins, 'rules': rules}) }}
{%- endmacro %}
