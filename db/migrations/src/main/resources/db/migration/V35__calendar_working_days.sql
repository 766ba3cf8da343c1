-- The tenant's calendar names exceptions of two kinds (#24): HOLIDAY (offices closed: learned and forecast apart
-- from its weekday, as before) and WORKING_DAY (a day normally off that is worked, e.g. a Saturday made up for a
-- bridge day: learned and forecast like the weekday it names in works_like).
alter table capacity_holiday add column kind text not null default 'HOLIDAY'
    check (kind in ('HOLIDAY', 'WORKING_DAY'));
alter table capacity_holiday add column works_like text
    check (works_like in ('MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'));
alter table capacity_holiday add constraint capacity_holiday_works_like
    check ((kind = 'WORKING_DAY') = (works_like is not null));
