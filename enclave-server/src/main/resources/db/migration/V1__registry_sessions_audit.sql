-- The enclave server's workflow state and its audit chain. Flyway owns the schema.
create table organisation (
  id          varchar(41) primary key,
  name        text        not null,
  cert_type   varchar(8)  not null check (cert_type in ('type1', 'type2')),
  cert_number text        not null,
  cert_from   date        not null,
  cert_until  date        not null check (cert_until >= cert_from),
  version     bigint      not null
);

create table person (
  subject         varchar(255) primary key,
  name            text         not null,
  organisation_id varchar(41)  references organisation (id),
  version         bigint       not null
);

create table training (
  subject      varchar(255) not null references person (subject),
  course       text         not null,
  completed_on date         not null,
  expires_on   date         not null check (expires_on >= completed_on)
);
create index training_subject on training (subject);

create table project (
  id              varchar(41) primary key,
  title           text        not null,
  organisation_id varchar(41) not null references organisation (id),
  decision_number text        not null,
  purpose         text        not null,
  data_scope      text        not null,
  approved_from   date        not null,
  approved_until  date        not null check (approved_until >= approved_from),
  version         bigint      not null
);

create table project_member (
  project_id varchar(41)  not null references project (id),
  subject    varchar(255) not null references person (subject),
  role       varchar(16)  not null check (role in ('LEAD', 'ANALYST')),
  primary key (project_id, subject)
);

create table research_session (
  id         varchar(36)  primary key,
  project_id varchar(41)  not null references project (id),
  subject    varchar(255) not null,
  kind       varchar(8)   not null check (kind in ('remote', 'onsite')),
  state      varchar(8)   not null check (state in ('BOOKED', 'OPEN', 'ENDED', 'REVOKED')),
  booked_at  timestamptz  not null,
  opened_at  timestamptz,
  ended_at   timestamptz,
  ended_by   varchar(255),
  end_reason text,
  version    bigint       not null
);
create index research_session_subject on research_session (subject);

create table audit_event (
  seq       bigint       primary key,
  at        timestamptz  not null,
  actor     varchar(255) not null,
  event     varchar(64)  not null,
  target    text         not null,
  detail    text         not null,
  prev_hash char(64)     not null,
  hash      char(64)     not null unique
);

create table audit_head (
  id   int      primary key check (id = 1),
  seq  bigint   not null,
  hash char(64) not null
);
insert into audit_head values (1, 0, repeat('0', 64));

-- An audit row is never changed or removed through the application's connection.
create function audit_event_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'audit_event is append-only';
end $$;
create trigger audit_event_no_update before update or delete on audit_event
  for each row execute function audit_event_append_only();

-- POSTs carry an Idempotency-Key: the first response is kept and replayed for a repeat.
create table idempotency_key (
  caller      varchar(255) not null,
  key         varchar(64)  not null,
  fingerprint char(64)     not null,
  status      int          not null,
  body        text         not null,
  created_at  timestamptz  not null,
  primary key (caller, key)
);
