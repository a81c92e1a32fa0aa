-- Re-identification's job row gets the outcome column the check job has, so both are one mapping
-- (holderjobs.HolderJobRows): why a job ended stays on the job, as for checks.
alter table reid_job add column outcome text;
