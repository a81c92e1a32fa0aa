-- Project end (issue 15): one row per ending project, its workflow state (ClosureTransitions), the
-- lease of the holder-zone job that works on it, the read-only archive it wrote and, once ended,
-- the deletion certificate (also in the audit trail, written in the same transaction).
create table project_closure (
  project_id     varchar(41)  primary key references project (id),
  state          varchar(16)  not null check (state in ('ENDING', 'ARCHIVED', 'SHREDDING', 'ENDED',
                   'ARCHIVE_FAILED', 'SHRED_FAILED')),
  cause          varchar(24)  not null check (cause in ('closed', 'approval-withdrawn', 'period-over')),
  reason         text         not null,
  requested_by   varchar(255) not null,
  requested_at   timestamptz  not null,
  sessions_ended int          not null,
  attempts       int          not null,
  error          text,
  claimed_by     varchar(64),
  claimed_at     timestamptz,
  archive_path   text,
  archive_sha256 char(64),
  archive_files  text,        -- JSON array of {name, sha256, bytes}
  certificate    text,        -- JSON, once ENDED
  ended_at       timestamptz,
  updated_at     timestamptz  not null,
  version        bigint       not null
);
create index project_closure_state on project_closure (state);

-- An ended project's certificate is final: its row is never changed or removed again.
create function project_closure_final() returns trigger language plpgsql as $$
begin
  if old.state = 'ENDED' then
    raise exception 'project_closure of % is ended and final', old.project_id;
  end if;
  return case when tg_op = 'DELETE' then old else new end;
end $$;
create trigger project_closure_no_change_after_end before update or delete on project_closure
  for each row execute function project_closure_final();
