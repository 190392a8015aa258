"""The year-end documents: the branch's and each group's annual summary (年度工作总结) and
plan (年度工作计划), drafted from the year's records and printed as official documents."""
