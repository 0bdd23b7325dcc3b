-- What a PostGraphile team would add to serve the same logical queries: filters that are not
-- plain column equality become SQL functions (root fields) and computed columns.
-- Applied only to the benchmark's throwaway database.

create or replace function agreement_in_force(a agreement, on_day date) returns boolean as $$
  select (a.period_start <= on_day and (a.period_end is null or a.period_end >= on_day))
      or (a.period_start is null and (a.signed_on <= on_day
          or (a.signed_on is null and a.source_published_on <= on_day)
          or (a.signed_on is null and a.source_published_on is null and a.published_at < on_day + 1)))
$$ language sql stable;
comment on function agreement_in_force(agreement, date) is E'@behavior -*';

create or replace function agreements_in_force(county text, on_day date) returns setof agreement as $$
  select a.* from agreement a
  where a.status = 'PUBLISHED' and agreement_in_force(a, on_day)
    and a.id in (select p.agreement_id from agreement_party p
                 join organisation o on o.id = p.organisation_id
                 join municipality m on m.code = o.municipality_id
                 where m.county_id = county)
  order by coalesce(a.period_start, a.signed_on) desc, a.slug
$$ language sql stable;

create or replace function municipality_agreements_active_on(m municipality, on_day date) returns setof agreement as $$
  select a.* from agreement a
  where a.status = 'PUBLISHED' and agreement_in_force(a, on_day)
    and a.id in (select p.agreement_id from agreement_party p
                 join organisation o on o.id = p.organisation_id
                 where o.municipality_id = m.code)
  order by coalesce(a.period_start, a.signed_on) desc, a.slug
$$ language sql stable;

create or replace function municipality_citizen_promises_for_year(m municipality, year int) returns setof citizen_promise as $$
  select c.* from citizen_promise c
  where c.municipality_id = m.code and c.status = 'PUBLISHED'
    and c.period_start <= make_date(year, 12, 31)
    and (c.period_end is null or c.period_end >= make_date(year, 1, 1))
  order by c.period_start desc, c.slug
$$ language sql stable;

create or replace function regional_commitments(region text, year int) returns setof commitment as $$
  select k.* from commitment k
  join citizen_promise c on c.id = k.citizen_promise_id
  join municipality m on m.code = c.municipality_id
  join county co on co.code = m.county_id
  join police_unit r on r.id = co.police_region_id
  where r.name = region and c.status = 'PUBLISHED'
    and c.period_start <= make_date(year, 12, 31)
    and (c.period_end is null or c.period_end >= make_date(year, 1, 1))
  order by c.period_start desc, c.slug, k.document_order
$$ language sql stable;

-- Backward relations whose foreign key has no index are not exposed by the amber preset.
create or replace function municipality_service_agreements(m municipality) returns setof service_agreement as $$
  select s.* from service_agreement s where s.municipality_id = m.code and s.status = 'PUBLISHED' order by s.slug
$$ language sql stable;

create or replace function citizen_promise_follow_ups(c citizen_promise) returns setof follow_up as $$
  select f.* from follow_up f where f.citizen_promise_id = c.id and f.status = 'PUBLISHED' order by f.year, f.slug
$$ language sql stable;
