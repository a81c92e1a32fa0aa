-- PMDA re-identification requests (issue 15). States and who may move them: ReidTransitions.
create table reid_request (
  id          varchar(36)  primary key,
  project_id  varchar(41)  not null references project (id),
  export_id   varchar(36)  not null references export_request (id),
  release_id  varchar(36)  not null references project_release (id),
  inspector   varchar(255) not null,
  legal_basis text         not null,
  pseudonyms  text         not null, -- JSON array
  state       varchar(16)  not null check (state in ('FILED', 'ONE_APPROVAL', 'APPROVED', 'RUNNING', 'FAILED',
                'COMPLETED', 'REJECTED')),
  approvers   text         not null, -- JSON array of officer subjects, in order
  error       text,
  filed_at    timestamptz  not null,
  updated_at  timestamptz  not null,
  version     bigint       not null
);
create index reid_request_inspector on reid_request (inspector);

-- The source references the holder's zone returned, for the filing inspector alone.
create table reid_result (
  request_id  varchar(36) primary key references reid_request (id),
  result_json text        not null
);

-- The durable job that runs the holder's re-identification once two officers approved.
create table reid_job (
  id          varchar(36) primary key,
  request_id  varchar(36) not null references reid_request (id),
  state       varchar(8)  not null check (state in ('queued', 'running', 'done', 'failed')),
  enqueued_at timestamptz not null,
  claimed_at  timestamptz,
  claimed_by  varchar(64),
  finished_at timestamptz,
  version     bigint      not null
);
create unique index reid_job_open on reid_job (request_id) where state in ('queued', 'running');
