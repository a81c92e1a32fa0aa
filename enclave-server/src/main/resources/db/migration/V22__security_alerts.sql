-- Security alerts raised when a threshold is crossed (one per rule, subject and window), and their
-- acknowledgement by an auditor.
create table security_alert (
  id              varchar(36)  primary key,
  rule            varchar(64)  not null,
  subject         varchar(255) not null,
  window_start    timestamptz  not null,
  observed        bigint       not null,
  threshold       bigint       not null,
  detail          text         not null,
  raised_at       timestamptz  not null,
  acknowledged_by varchar(255),
  acknowledged_at timestamptz,
  ack_note        text,
  version         bigint       not null,
  unique (rule, subject, window_start)
);
create index security_alert_open on security_alert (acknowledged_at);
