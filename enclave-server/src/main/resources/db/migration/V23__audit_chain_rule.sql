-- From now on the server's chain uses audit-trail's rule (a newline between the previous hash and
-- the body). Rows already written keep the earlier rule: they are append-only and cannot be
-- re-hashed, so verification applies the earlier rule through the head at this migration.
create table audit_chain_rule (
  id             int    primary key check (id = 1),
  legacy_through bigint not null
);
insert into audit_chain_rule select 1, seq from audit_head;
