-- Onsite centers' terminals and visits (issue 12). A terminal is recognised by its registered
-- source address and an enrolment secret, of which only the SHA-256 is stored.
create table onsite_terminal (
  id            varchar(41)  primary key,
  center_id     varchar(41)  not null,
  location      text         not null,
  address       varchar(45)  not null,
  secret_hash   char(64)     not null,
  state         varchar(8)   not null check (state in ('ACTIVE', 'RETIRED')),
  registered_by varchar(255) not null,
  registered_at timestamptz  not null,
  retired_by    varchar(255),
  retired_at    timestamptz,
  retire_reason text,
  version       bigint       not null
);

create table onsite_visit (
  id                varchar(36)  primary key,
  subject           varchar(255) not null,
  project_id        varchar(41)  not null references project (id),
  center_id         varchar(41)  not null,
  visit_day         date         not null,
  state             varchar(12)  not null check (state in ('BOOKED', 'CHECKED_IN', 'ENDED', 'CANCELLED')),
  terminal_id       varchar(41)  references onsite_terminal (id),
  identity_document varchar(32),
  checked_in_by     varchar(255),
  checked_in_at     timestamptz,
  ended_by          varchar(255),
  ended_at          timestamptz,
  booked_at         timestamptz  not null,
  version           bigint       not null,
  check (state <> 'CHECKED_IN' or (terminal_id is not null and identity_document is not null))
);
create index onsite_visit_day on onsite_visit (visit_day);
create index onsite_visit_subject on onsite_visit (subject);
-- At most one visitor checked in at a terminal on a day.
create unique index onsite_visit_one_per_terminal on onsite_visit (terminal_id, visit_day) where state = 'CHECKED_IN';
