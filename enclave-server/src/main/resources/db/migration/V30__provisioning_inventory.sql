-- Provisioning jobs (one per project and data scope unless failed) and the holder's inventory reports.
create table provisioning_job (
  id           varchar(36)  primary key,
  project_id   varchar(41)  not null references project (id),
  scope_sha256 char(64)     not null,
  state        varchar(10)  not null check (state in ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED')),
  phase        varchar(40),
  percent      int          not null check (percent between 0 and 100),
  detail       text,
  reason       text,
  result       text,
  attempt      int          not null,
  requested_by varchar(255) not null,
  requested_at timestamptz  not null,
  started_at   timestamptz,
  finished_at  timestamptz,
  updated_at   timestamptz  not null,
  version      bigint       not null
);
-- A repeat never provisions twice: one queued, running or succeeded job per project and scope.
create unique index provisioning_job_once on provisioning_job (project_id, scope_sha256) where state <> 'FAILED';
create index provisioning_job_state on provisioning_job (state, requested_at);

-- What the holder zone reported (metadata only: assets, owner, legal basis, retention, dictionary).
create table inventory_report (
  id          bigserial    primary key,
  imported_at timestamptz  not null,
  imported_by varchar(255) not null,
  sha256      char(64)     not null,
  report      text         not null
);
create index inventory_report_latest on inventory_report (id desc);
