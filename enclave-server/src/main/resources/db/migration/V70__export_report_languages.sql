-- The output checker writes its report in English (html) and Japanese; reviewers see the one
-- matching the portal's language. Reports of checks run before this have no Japanese twin (null).
alter table export_report add column html_ja text;
