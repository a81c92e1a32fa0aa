-- The export airlock (issue 15): requests, their items and votes, the checker's job and report,
-- and the project's releases. States and who may move them live in ExportTransitions; the
-- database keeps what must hold whatever the code does (one vote per reviewer, one open check job
-- per request, one release per request, append-only releases).
create table export_request (
  id                varchar(36)  primary key,
  project_id        varchar(41)  not null references project (id),
  author            varchar(255) not null,
  title             text         not null,
  state             varchar(16)  not null check (state in ('DRAFT', 'SUBMITTED', 'CHECKING', 'CHECK_FAILED',
                      'CHECKED', 'IN_REVIEW', 'APPROVED', 'REJECTED', 'RELEASED', 'REVOKED')),
  check_stage       varchar(16)  not null,
  check_attempts    int          not null,
  check_error       text,
  check_started_at  timestamptz,
  check_finished_at timestamptz,
  created_at        timestamptz  not null,
  updated_at        timestamptz  not null,
  version           bigint       not null
);
create index export_request_author on export_request (author);
create index export_request_state on export_request (state);

create table export_item (
  id            varchar(70)  primary key, -- request id / item id
  request_id    varchar(36)  not null references export_request (id),
  item_id       varchar(32)  not null,
  position      int          not null,
  type          varchar(8)   not null check (type in ('table', 'figure', 'model', 'code', 'text')),
  name          text         not null,
  content       bytea        not null,
  table_kind    varchar(16),
  table_name    text,
  table_content bytea,
  query_ids     text         not null, -- JSON array of gateway query IDs
  verdict       varchar(8)   check (verdict in ('PASS', 'REVIEW', 'FAIL')),
  safe_content  bytea,
  unique (request_id, item_id)
);

create table export_vote (
  id         varchar(300) primary key, -- request id / reviewer
  request_id varchar(36)  not null references export_request (id),
  reviewer   varchar(255) not null,
  approve    boolean      not null,
  comment    text         not null,
  safe_items text         not null, -- JSON array of item IDs
  voted_at   timestamptz  not null,
  unique (request_id, reviewer)
);

create table export_report (
  request_id   varchar(36) primary key references export_request (id),
  html         text        not null,
  results_json text        not null
);

-- The durable job that runs the output checker for a submitted request.
create table export_check_job (
  id          varchar(36) primary key,
  request_id  varchar(36) not null references export_request (id),
  state       varchar(8)  not null check (state in ('queued', 'running', 'done', 'failed')),
  enqueued_at timestamptz not null,
  claimed_at  timestamptz,
  claimed_by  varchar(64),
  finished_at timestamptz,
  outcome     text,
  version     bigint      not null
);
create unique index export_check_job_open on export_check_job (request_id) where state in ('queued', 'running');

-- A release of a project: the approved files of one request, packaged, hashed.
create table project_release (
  id             varchar(36)  primary key,
  request_id     varchar(36)  not null unique references export_request (id),
  project_id     varchar(41)  not null references project (id),
  author         varchar(255) not null,
  package_sha256 char(64)     not null,
  package_bytes  bigint       not null,
  package        bytea        not null,
  released_at    timestamptz  not null
);
create index project_release_project on project_release (project_id);

create table release_file (
  id           varchar(200) primary key, -- release id / name
  release_id   varchar(36)  not null references project_release (id),
  position     int          not null,
  name         text         not null,
  item_id      varchar(32)  not null,
  sha256       char(64)     not null,
  bytes        bigint       not null,
  is_table     boolean      not null,
  safe_version boolean      not null
);

-- Released tables: the project's release history the output checker's differencing reads.
create table release_table (
  id         varchar(200) primary key, -- release id / name
  release_id varchar(36)  not null references project_release (id),
  project_id varchar(41)  not null references project (id),
  name       text         not null,
  content    bytea        not null
);
create index release_table_project on release_table (project_id);

-- A release is what left the enclave: never changed or removed through the application.
create function release_append_only() returns trigger language plpgsql as $$
begin
  raise exception '% is append-only', tg_table_name;
end $$;
create trigger project_release_no_update before update or delete on project_release
  for each row execute function release_append_only();
create trigger release_file_no_update before update or delete on release_file
  for each row execute function release_append_only();
create trigger release_table_no_update before update or delete on release_table
  for each row execute function release_append_only();
