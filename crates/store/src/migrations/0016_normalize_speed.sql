-- 0016: reserved for normalization + insert throughput (issue 5); nothing yet.
SELECT 1;
