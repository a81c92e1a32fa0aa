-- The link between the server and the query gateways it manages.
-- The token last issued for each open session: the project's gateway learns it from the session
-- feed (a front end that must know sessions before a client presents a token needs it). The row
-- is removed when the session ends; a token is short-lived either way.
create table gateway_session_token (
  session_id varchar(36) primary key references research_session (id),
  project_id varchar(41) not null,
  token      text        not null,
  expires_at timestamptz not null
);
create index gateway_session_token_project on gateway_session_token (project_id);

-- The gateways' session feed asks for one project's open and recently ended sessions every second.
create index research_session_project_state on research_session (project_id, state);
