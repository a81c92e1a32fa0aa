-- Heads of the other zones' JSONL audit trails (gateways, the data holder) as the server saw them:
-- a later truncation or rebuild of a trail no longer matches a witnessed head. Append-only.
create table zone_witness (
  id           bigserial    primary key,
  zone         varchar(200) not null,
  path         text         not null,
  entries      bigint       not null,
  head_hash    char(64)     not null,
  file_bytes   bigint       not null,
  witnessed_at timestamptz  not null,
  witnessed_by varchar(255) not null
);
create index zone_witness_zone on zone_witness (zone, entries);

create function zone_witness_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'zone_witness is append-only';
end $$;
create trigger zone_witness_no_update before update or delete on zone_witness
  for each row execute function zone_witness_append_only();
