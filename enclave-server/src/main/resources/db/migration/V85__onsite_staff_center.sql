-- Onsite staff belong to one onsite center (issue 12): where they may register and retire terminals
-- and check visitors in and out. Null: assigned to none (they may do neither). Centers are named by
-- their terminals' center_id; a staff member may be assigned before the center's first terminal exists.
alter table person add column onsite_center varchar(64);
