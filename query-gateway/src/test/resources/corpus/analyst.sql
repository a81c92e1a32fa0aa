-- Benign analyst corpus: read-only DuckDB SQL as researchers write it in notebooks, over the
-- project extract (patient, registration, encounter, diagnosis, medication, lab_result, vital_sign,
-- allergy, dpc_admission, clinical_note without its text column). Epidemiology and health-services
-- analyses: cohorts, incidence and prevalence, time to event, trends, medication exposure,
-- readmissions, lab trajectories, comorbidity, length of stay, DPC, vital signs, allergies.
-- Format: cases separated by one blank line; each case is a title line
-- `# <topic>: <title> [feature, feature]` and one SELECT/WITH statement (no trailing semicolon).
-- Feature tags are detected from the query text and from DuckDB's parse tree (json_serialize_sql:
-- group-by-alias, group-by-ordinal, self-join, date-arith), so they can be counted.
-- Every query ran on raw DuckDB 2.0.0.1 (read-only, external access off) over synthetic rows of this
-- schema with equal results in two runs and in a third with threads=1; each returns at most 1000
-- rows in a deterministic order. Sample queries (tag sample) use a fixed seed: their result is
-- stable for a given stored row order, not across a reordering of the same rows.

# cohort: patients by sex [group-by]
SELECT sex, count(*) AS n_patients
FROM patient
GROUP BY sex
ORDER BY sex

# cohort: age at 2024-12-31 in 10-year bands by sex [group-by, group-by-alias, math, date-fn]
SELECT sex,
       floor(date_diff('year', birth_date, DATE '2024-12-31') / 10) * 10 AS age_band,
       count(*) AS n
FROM patient
GROUP BY sex, age_band
ORDER BY sex, age_band

# cohort: patients per prefecture, top 15 [group-by, limit]
SELECT prefecture, count(*) AS n_patients
FROM patient
GROUP BY prefecture
ORDER BY n_patients DESC, prefecture
LIMIT 15

# cohort: type 2 diabetes cohort size by sex [join, group-by, string-fn]
SELECT p.sex, count(DISTINCT d.person_id) AS n_t2dm
FROM diagnosis d
JOIN patient p ON p.person_id = d.person_id
WHERE d.icd10 LIKE 'E11%'
GROUP BY p.sex
ORDER BY p.sex

# cohort: index date as first type 2 diabetes diagnosis, age at index [cte, join, using-join, group-by, group-by-alias, math, date-fn, string-fn]
WITH idx AS (
  SELECT person_id, min(diagnosis_date) AS index_date
  FROM diagnosis
  WHERE icd10 LIKE 'E11%'
  GROUP BY person_id
)
SELECT date_part('year', i.index_date) AS index_year,
       count(*) AS n,
       round(avg(date_diff('year', p.birth_date, i.index_date)), 1) AS mean_age_at_index
FROM idx i
JOIN patient p USING (person_id)
GROUP BY index_year
ORDER BY index_year

# cohort: adults aged 40-74 at index with hypertension (specific health checkup ages) [cte, join, group-by, group-by-all, order-by-all, date-fn]
WITH idx AS (
  SELECT person_id, min(diagnosis_date) AS index_date
  FROM diagnosis
  WHERE icd10 = 'I10'
  GROUP BY person_id
)
SELECT p.sex, count(*) AS n
FROM idx
JOIN patient p ON p.person_id = idx.person_id
WHERE datediff('year', p.birth_date, idx.index_date) BETWEEN 40 AND 74
GROUP BY ALL
ORDER BY ALL

# cohort: new users of metformin with 365-day washout [cte, join, group-by, group-by-ordinal, date-fn, interval, date-arith, string-fn]
WITH first_rx AS (
  SELECT person_id, min(order_date) AS first_date
  FROM medication
  WHERE drug_name LIKE 'メトホルミン%'
  GROUP BY person_id
),
lookback AS (
  SELECT person_id, min(admit_date) AS first_visit
  FROM encounter
  GROUP BY person_id
)
SELECT year(f.first_date) AS start_year, count(*) AS new_users
FROM first_rx f
JOIN lookback l ON l.person_id = f.person_id
WHERE f.first_date >= l.first_visit + INTERVAL 365 DAY
GROUP BY 1
ORDER BY 1

# cohort: inclusion and exclusion flow counts [cte, subquery, in-subquery, union, string-fn]
WITH t2dm AS (SELECT DISTINCT person_id FROM diagnosis WHERE icd10 LIKE 'E11%'),
t1dm AS (SELECT DISTINCT person_id FROM diagnosis WHERE icd10 LIKE 'E10%'),
adult AS (SELECT person_id FROM patient WHERE birth_date <= DATE '2004-12-31'),
has_hba1c AS (SELECT DISTINCT person_id FROM lab_result WHERE lab_code = '3D046')
SELECT 1 AS step, 'type 2 diabetes diagnosis' AS criterion, count(*) AS n FROM t2dm
UNION ALL
SELECT 2, 'excluding type 1 diabetes', count(*) FROM t2dm WHERE person_id NOT IN (SELECT person_id FROM t1dm)
UNION ALL
SELECT 3, 'aged 20 or over', count(*) FROM t2dm
 WHERE person_id NOT IN (SELECT person_id FROM t1dm) AND person_id IN (SELECT person_id FROM adult)
UNION ALL
SELECT 4, 'with at least one HbA1c', count(*) FROM t2dm
 WHERE person_id NOT IN (SELECT person_id FROM t1dm) AND person_id IN (SELECT person_id FROM adult)
   AND person_id IN (SELECT person_id FROM has_hba1c)
ORDER BY step

# cohort: baseline characteristics table of diabetes cohort [cte, join, subquery, exists, group-by, stats, case, math, date-fn, string-fn]
WITH cohort AS (
  SELECT person_id, min(diagnosis_date) AS index_date
  FROM diagnosis WHERE icd10 LIKE 'E11%' GROUP BY person_id
)
SELECT p.sex,
       count(*) AS n,
       round(avg(date_diff('year', p.birth_date, c.index_date)), 1) AS mean_age,
       round(stddev_samp(date_diff('year', p.birth_date, c.index_date)), 1) AS sd_age,
       round(100.0 * avg(CASE WHEN EXISTS (SELECT 1 FROM diagnosis h WHERE h.person_id = c.person_id AND h.icd10 = 'I10' AND h.diagnosis_date <= c.index_date) THEN 1 ELSE 0 END), 1) AS pct_hypertension
FROM cohort c
JOIN patient p ON p.person_id = c.person_id
GROUP BY p.sex
ORDER BY p.sex

# cohort: patients registered at more than one facility [subquery, group-by]
SELECT n_facilities, count(*) AS n_patients
FROM (
  SELECT person_id, count(DISTINCT facility_id) AS n_facilities
  FROM registration
  GROUP BY person_id
) t
GROUP BY n_facilities
ORDER BY n_facilities

# cohort: registrations per facility and year of first visit [group-by, group-by-all, order-by-all, date-fn, limit]
SELECT facility_id, year(first_seen) AS first_year, count(*) AS n
FROM registration
GROUP BY ALL
ORDER BY ALL
LIMIT 300

# cohort: patients with both diabetes and chronic kidney disease [subquery, intersect, string-fn]
SELECT count(*) AS n
FROM (
  SELECT person_id FROM diagnosis WHERE icd10 LIKE 'E11%'
  INTERSECT
  SELECT person_id FROM diagnosis WHERE icd10 LIKE 'N18%'
) t

# cohort: hypertension without any antihypertensive order [subquery, except, string-fn]
SELECT count(*) AS untreated_hypertension
FROM (
  SELECT person_id FROM diagnosis WHERE icd10 = 'I10'
  EXCEPT
  SELECT person_id FROM medication WHERE drug_code LIKE '2149%'
) t

# cohort: age pyramid in 5-year bands [group-by, group-by-ordinal, filter, greatest-least, math, date-fn]
SELECT least(floor(datediff('year', birth_date, DATE '2024-12-31') / 5) * 5, 90) AS age5,
       count(*) FILTER (WHERE sex = 'M') AS male,
       count(*) FILTER (WHERE sex = 'F') AS female
FROM patient
GROUP BY 1
ORDER BY 1

# cohort: birth cohorts by decade using the :: cast [group-by, group-by-alias, cast, date-fn, string-fn]
SELECT (year(birth_date) // 10 * 10)::VARCHAR || 's' AS birth_decade, count(*) AS n
FROM patient
GROUP BY birth_decade
ORDER BY birth_decade

# cohort: heart failure patients first seen at each facility [join, using-join, group-by]
SELECT r.facility_id, count(DISTINCT r.person_id) AS n_hf
FROM registration r
JOIN diagnosis d USING (person_id)
WHERE d.icd10 = 'I50.9'
GROUP BY r.facility_id
ORDER BY r.facility_id

# cohort: distribution of follow-up length from first to last encounter [cte, group-by, group-by-alias, case, date-arith]
WITH fu AS (
  SELECT person_id, max(admit_date) - min(admit_date) AS followup_days
  FROM encounter
  GROUP BY person_id
)
SELECT CASE
         WHEN followup_days = 0 THEN '0 single visit'
         WHEN followup_days < 365 THEN '1 <1y'
         WHEN followup_days < 365 * 3 THEN '2 1-3y'
         ELSE '3 3y+'
       END AS followup, count(*) AS n
FROM fu
GROUP BY followup
ORDER BY followup

# cohort: pediatric patients (under 15 at first encounter) by department [cte, join, using-join, group-by, distinct-on, interval, date-arith]
WITH first_enc AS (
  SELECT DISTINCT ON (person_id) person_id, department, admit_date
  FROM encounter
  ORDER BY person_id, admit_date, encounter_id
)
SELECT f.department, count(*) AS n_children
FROM first_enc f
JOIN patient p USING (person_id)
WHERE f.admit_date < p.birth_date + INTERVAL '15 years'
GROUP BY f.department
ORDER BY n_children DESC, f.department

# cohort: elderly (75+) share by prefecture [group-by, having, count-if, math, date-fn, interval]
SELECT prefecture,
       count(*) AS n,
       round(100.0 * count_if(age(DATE '2024-12-31', birth_date) >= INTERVAL '75 years') / count(*), 1) AS pct_75_plus
FROM patient
GROUP BY prefecture
HAVING count(*) >= 100
ORDER BY pct_75_plus DESC, prefecture

# cohort: rare disease patients (designated intractable disease codes) [group-by]
SELECT icd10, any_value(diagnosis_name) AS name, count(DISTINCT person_id) AS n_patients
FROM diagnosis
WHERE icd10 IN ('E16.1', 'E84.9', 'G12.2', 'M32.9', 'E75.2', 'D66', 'G71.0', 'Q87.4', 'E70.0', 'I27.0')
GROUP BY icd10
ORDER BY icd10

# cohort: patients in cancer cohort by site [group-by, group-by-alias, case, string-fn]
SELECT CASE left(icd10, 3)
         WHEN 'C34' THEN 'lung'
         WHEN 'C16' THEN 'stomach'
         WHEN 'C18' THEN 'colon'
         WHEN 'C50' THEN 'breast'
         ELSE 'other'
       END AS site,
       count(DISTINCT person_id) AS n
FROM diagnosis
WHERE icd10 LIKE 'C%'
GROUP BY site
ORDER BY site

# cohort: patients sampled 10 percent with a fixed seed, by sex [group-by, sample]
SELECT sex, count(*) AS n
FROM patient TABLESAMPLE 10% (bernoulli, 42)
GROUP BY sex
ORDER BY sex

# cohort: female patients of childbearing age with a delivery code [subquery, exists, group-by, limit]
SELECT p.prefecture, count(DISTINCT p.person_id) AS n
FROM patient p
WHERE p.sex = 'F'
  AND EXISTS (SELECT 1 FROM diagnosis d WHERE d.person_id = p.person_id AND d.icd10 = 'O80')
GROUP BY p.prefecture
ORDER BY n DESC, p.prefecture
LIMIT 20

# cohort: patient table without the birth date for a shareable sample [exclude, limit]
SELECT * EXCLUDE (birth_date)
FROM patient
ORDER BY person_id
LIMIT 50

# cohort: patient rows with birth date coarsened to the year [cast, date-fn, replace, limit]
SELECT * REPLACE (date_trunc('year', birth_date)::DATE AS birth_date)
FROM patient
ORDER BY person_id
LIMIT 50

# prevalence: period prevalence of hypertension by year among patients seen that year [cte, join, left-join, group-by, group-by-alias, math, date-fn]
WITH seen AS (
  SELECT DISTINCT person_id, year(admit_date) AS yr FROM encounter
),
htn AS (
  SELECT DISTINCT person_id, year(diagnosis_date) AS yr FROM diagnosis WHERE icd10 = 'I10'
)
SELECT s.yr AS calendar_year,
       count(*) AS seen,
       count(h.person_id) AS with_htn,
       round(100.0 * count(h.person_id) / count(*), 2) AS prevalence_pct
FROM seen s
LEFT JOIN htn h ON h.person_id = s.person_id AND h.yr = s.yr
GROUP BY calendar_year
ORDER BY calendar_year

# prevalence: diabetes prevalence by sex and age band in 2023 [cte, join, using-join, subquery, exists, group-by, group-by-alias, filter, case, date-fn, string-fn]
WITH seen2023 AS (
  SELECT DISTINCT person_id FROM encounter
  WHERE admit_date BETWEEN DATE '2023-01-01' AND DATE '2023-12-31'
)
SELECT p.sex,
       CASE WHEN datediff('year', p.birth_date, DATE '2023-12-31') < 40 THEN '<40'
            WHEN datediff('year', p.birth_date, DATE '2023-12-31') < 65 THEN '40-64'
            ELSE '65+' END AS age_group,
       count(*) AS denominator,
       count(*) FILTER (WHERE EXISTS (
         SELECT 1 FROM diagnosis d
         WHERE d.person_id = p.person_id AND d.icd10 LIKE 'E11%' AND d.diagnosis_date <= DATE '2023-12-31')) AS cases
FROM seen2023 s
JOIN patient p USING (person_id)
GROUP BY p.sex, age_group
ORDER BY p.sex, age_group

# prevalence: top 20 main diagnoses by number of patients [group-by, limit]
SELECT icd10, diagnosis_name, count(DISTINCT person_id) AS n_patients
FROM diagnosis
WHERE is_main
GROUP BY icd10, diagnosis_name
ORDER BY n_patients DESC, icd10
LIMIT 20

# prevalence: diagnoses ranked 21 to 40 (second page) [group-by, limit, offset]
SELECT icd10, count(DISTINCT person_id) AS n_patients
FROM diagnosis
GROUP BY icd10
ORDER BY n_patients DESC, icd10
LIMIT 20 OFFSET 20

# prevalence: ICD-10 chapter letter counts [group-by, group-by-alias, string-fn]
SELECT left(icd10, 1) AS chapter, count(*) AS n_records, count(DISTINCT person_id) AS n_patients
FROM diagnosis
GROUP BY chapter
ORDER BY chapter

# prevalence: multimorbidity count of distinct 3-character codes per patient [cte, group-by, group-by-ordinal, greatest-least, string-fn]
WITH per_person AS (
  SELECT person_id, count(DISTINCT substr(icd10, 1, 3)) AS n_conditions
  FROM diagnosis
  GROUP BY person_id
)
SELECT least(n_conditions, 5) AS conditions_capped, count(*) AS n_patients
FROM per_person
GROUP BY 1
ORDER BY 1

# prevalence: prefecture prevalence of COVID-19 per 1000 patients [join, left-join, subquery, group-by, group-by-all, filter, math, limit]
SELECT p.prefecture,
       count(*) AS n,
       round(1000.0 * count(*) FILTER (WHERE c.person_id IS NOT NULL) / count(*), 1) AS per_1000
FROM patient p
LEFT JOIN (SELECT DISTINCT person_id FROM diagnosis WHERE icd10 = 'U07.1') c ON c.person_id = p.person_id
GROUP BY ALL
ORDER BY per_1000 DESC, p.prefecture
LIMIT 47

# incidence: yearly incident type 2 diabetes (first diagnosis) per year [subquery, group-by, group-by-alias, date-fn, string-fn]
SELECT year(first_dx) AS yr, count(*) AS incident_cases
FROM (
  SELECT person_id, min(diagnosis_date) AS first_dx
  FROM diagnosis
  WHERE icd10 LIKE 'E11%'
  GROUP BY person_id
) t
GROUP BY yr
ORDER BY yr

# incidence: incident heart failure with 1-year washout after first encounter [cte, join, using-join, group-by, group-by-all, order-by-all, date-fn, interval, date-arith, string-fn]
WITH first_enc AS (
  SELECT person_id, min(admit_date) AS first_visit FROM encounter GROUP BY person_id
),
first_hf AS (
  SELECT person_id, min(diagnosis_date) AS hf_date FROM diagnosis WHERE icd10 LIKE 'I50%' GROUP BY person_id
)
SELECT date_part('year', h.hf_date) AS yr, count(*) AS incident_hf
FROM first_hf h
JOIN first_enc f USING (person_id)
WHERE h.hf_date >= f.first_visit + INTERVAL '1 year'
GROUP BY ALL
ORDER BY ALL

# incidence: incidence rate per 1000 person-years of stroke [cte, join, left-join, group-by, case, coalesce, math, date-arith, string-fn]
WITH fu AS (
  SELECT e.person_id,
         min(e.admit_date) AS start_date,
         coalesce(min(d.diagnosis_date), max(e.admit_date)) AS end_date,
         max(CASE WHEN d.person_id IS NOT NULL THEN 1 ELSE 0 END) AS event
  FROM encounter e
  LEFT JOIN diagnosis d ON d.person_id = e.person_id AND d.icd10 LIKE 'I63%'
  GROUP BY e.person_id
)
SELECT sum(event) AS events,
       round(sum(end_date - start_date) / 365.25, 1) AS person_years,
       round(1000.0 * sum(event) / (sum(end_date - start_date) / 365.25), 2) AS rate_per_1000_py
FROM fu
WHERE end_date > start_date

# incidence: monthly new COVID-19 diagnoses 2020-2024 [group-by, group-by-ordinal, date-fn]
SELECT date_trunc('month', diagnosis_date) AS month, count(DISTINCT person_id) AS new_cases
FROM diagnosis
WHERE icd10 = 'U07.1'
  AND diagnosis_date >= DATE '2020-01-01'
GROUP BY 1
ORDER BY 1

# incidence: seasonal pattern of pneumonia diagnoses by calendar month [group-by, group-by-alias, date-fn, string-fn]
SELECT month(diagnosis_date) AS mon, monthname(diagnosis_date) AS month_name, count(*) AS n
FROM diagnosis
WHERE icd10 LIKE 'J18%'
GROUP BY mon, month_name
ORDER BY mon

# incidence: influenza-like upper respiratory infection by ISO week, winter 2023-24 [group-by, group-by-alias, cast, date-fn]
SELECT week(diagnosis_date) AS iso_week, count(*) AS n
FROM diagnosis
WHERE icd10 = 'J06.9'
  AND diagnosis_date BETWEEN '2023-10-01'::DATE AND '2024-03-31'::DATE
GROUP BY iso_week
ORDER BY iso_week

# trend: encounters per month by encounter type [group-by, group-by-ordinal, date-fn]
SELECT date_trunc('month', admit_date) AS month, encounter_type, count(*) AS n
FROM encounter
WHERE admit_date >= DATE '2023-01-01'
GROUP BY 1, 2
ORDER BY 1, 2

# trend: quarterly outpatient visits with quarter label [group-by, group-by-all, order-by-all, date-fn, string-fn]
SELECT year(admit_date) || '-Q' || quarter(admit_date) AS yq, count(*) AS visits
FROM encounter
WHERE encounter_type = 'outpatient'
GROUP BY ALL
ORDER BY ALL

# trend: yearly inpatient admissions and share of emergency visits [group-by, group-by-alias, filter, math, date-fn]
SELECT extract(year FROM admit_date) AS yr,
       count(*) FILTER (WHERE encounter_type = 'inpatient') AS admissions,
       count(*) FILTER (WHERE encounter_type = 'emergency') AS emergency_visits,
       round(100.0 * count(*) FILTER (WHERE encounter_type = 'emergency') / count(*), 2) AS pct_emergency
FROM encounter
GROUP BY yr
ORDER BY yr

# trend: encounters by weekday [group-by, group-by-all, date-fn]
SELECT isodow(admit_date) AS dow, dayname(admit_date) AS day_name, count(*) AS n
FROM encounter
GROUP BY ALL
ORDER BY dow

# trend: month labels with strftime for a report [group-by, group-by-alias, date-fn]
SELECT strftime(admit_date, '%Y-%m') AS ym, count(DISTINCT person_id) AS patients
FROM encounter
WHERE admit_date >= DATE '2024-01-01'
GROUP BY ym
ORDER BY ym

# trend: 3-month moving average of monthly admissions [cte, group-by, group-by-ordinal, window, window-frame, math, date-fn]
WITH monthly AS (
  SELECT date_trunc('month', admit_date) AS month, count(*) AS admissions
  FROM encounter
  WHERE encounter_type = 'inpatient'
  GROUP BY 1
)
SELECT month, admissions,
       round(avg(admissions) OVER (ORDER BY month ROWS BETWEEN 2 PRECEDING AND CURRENT ROW), 1) AS ma3
FROM monthly
ORDER BY month

# trend: year-over-year change in diabetes encounters [cte, join, group-by, group-by-alias, window, math, date-fn, string-fn]
WITH yearly AS (
  SELECT year(e.admit_date) AS yr, count(*) AS n
  FROM encounter e
  JOIN diagnosis d ON d.encounter_id = e.encounter_id
  WHERE d.icd10 LIKE 'E11%' AND d.is_main
  GROUP BY yr
)
SELECT yr, n,
       n - lag(n) OVER (ORDER BY yr) AS change,
       round(100.0 * (n - lag(n) OVER (ORDER BY yr)) / lag(n) OVER (ORDER BY yr), 1) AS pct_change
FROM yearly
ORDER BY yr

# trend: calendar of months with zero-filled COVID-19 counts [cte, join, left-join, group-by, group-by-ordinal, coalesce, cast, date-fn, interval, table-function]
WITH months AS (
  SELECT m::DATE AS month
  FROM generate_series(DATE '2020-01-01', DATE '2024-12-01', INTERVAL 1 MONTH) t(m)
),
cases AS (
  SELECT date_trunc('month', diagnosis_date) AS month, count(*) AS n
  FROM diagnosis WHERE icd10 = 'U07.1' GROUP BY 1
)
SELECT months.month, coalesce(cases.n, 0) AS n
FROM months
LEFT JOIN cases ON cases.month = months.month
ORDER BY months.month

# trend: monthly calendar with range() and cumulative registrations [cte, subquery, cast, interval, date-arith, table-function]
WITH cal AS (
  SELECT range AS month FROM range(DATE '2022-01-01', DATE '2025-01-01', INTERVAL 1 MONTH)
)
SELECT cal.month::DATE AS month,
       (SELECT count(*) FROM registration r WHERE r.first_seen < cal.month + INTERVAL 1 MONTH) AS registered_by_month_end
FROM cal
ORDER BY month

# trend: last day of month census of inpatients [cte, join, left-join, group-by, cast, date-fn, interval, date-arith, table-function]
WITH month_ends AS (
  SELECT last_day(m::DATE) AS census_date
  FROM generate_series(DATE '2024-01-01', DATE '2024-12-01', INTERVAL 1 MONTH) g(m)
)
SELECT census_date, count(e.encounter_id) AS inpatients
FROM month_ends c
LEFT JOIN encounter e
  ON e.encounter_type = 'inpatient'
 AND c.census_date BETWEEN e.admit_date AND e.discharge_date - 1
GROUP BY census_date
ORDER BY census_date

# trend: fiscal year (April start) of DPC admissions [group-by, group-by-alias, math, date-fn, interval, date-arith]
SELECT year(admit_date - INTERVAL 3 MONTH) AS fiscal_year, count(*) AS admissions, round(avg(los_days), 2) AS mean_los
FROM dpc_admission
GROUP BY fiscal_year
ORDER BY fiscal_year

# trend: department mix per year pivoted [cte, date-fn, pivot]
WITH d AS (
  SELECT year(admit_date) AS yr, department FROM encounter WHERE department IN ('内科', '外科', '整形外科', '循環器内科')
)
SELECT *
FROM d
PIVOT (count(*) FOR department IN ('内科', '外科', '整形外科', '循環器内科'))
ORDER BY yr

# trend: cumulative number of distinct patients ever diagnosed with diabetes [cte, group-by, group-by-alias, window, date-fn, string-fn]
WITH firsts AS (
  SELECT person_id, min(diagnosis_date) AS first_dx FROM diagnosis WHERE icd10 LIKE 'E1%' GROUP BY person_id
)
SELECT year(first_dx) AS yr, count(*) AS new_patients,
       sum(count(*)) OVER (ORDER BY year(first_dx)) AS cumulative
FROM firsts
GROUP BY yr
ORDER BY yr

# survival: time from diabetes diagnosis to first CKD diagnosis with censoring at last encounter [cte, join, left-join, using-join, group-by, coalesce, cast, date-arith, string-fn, limit]
WITH idx AS (
  SELECT person_id, min(diagnosis_date) AS index_date
  FROM diagnosis WHERE icd10 LIKE 'E11%' GROUP BY person_id
),
ev AS (
  SELECT d.person_id, min(d.diagnosis_date) AS event_date
  FROM diagnosis d JOIN idx i USING (person_id)
  WHERE d.icd10 LIKE 'N18%' AND d.diagnosis_date > i.index_date
  GROUP BY d.person_id
),
last_seen AS (
  SELECT person_id, max(admit_date) AS last_date FROM encounter GROUP BY person_id
)
SELECT i.person_id,
       i.index_date,
       coalesce(ev.event_date, l.last_date) - i.index_date AS time_days,
       (ev.event_date IS NOT NULL)::INTEGER AS event
FROM idx i
JOIN last_seen l USING (person_id)
LEFT JOIN ev USING (person_id)
WHERE coalesce(ev.event_date, l.last_date) > i.index_date
ORDER BY i.person_id
LIMIT 1000

# survival: event and censoring counts by sex for stroke after atrial fibrillation [cte, join, left-join, using-join, group-by, group-by-all, order-by-all, filter, string-fn]
WITH af AS (
  SELECT person_id, min(diagnosis_date) AS t0 FROM diagnosis WHERE icd10 = 'I48' GROUP BY person_id
),
stroke AS (
  SELECT person_id, min(diagnosis_date) AS t1 FROM diagnosis WHERE icd10 LIKE 'I63%' GROUP BY person_id
)
SELECT p.sex,
       count(*) AS n,
       count(*) FILTER (WHERE s.t1 > af.t0) AS events,
       count(*) FILTER (WHERE s.t1 IS NULL OR s.t1 <= af.t0) AS censored
FROM af
JOIN patient p USING (person_id)
LEFT JOIN stroke s USING (person_id)
GROUP BY ALL
ORDER BY ALL

# survival: administrative censoring at 2024-12-31 and 5-year horizon [cte, join, left-join, using-join, group-by, group-by-alias, case, coalesce, greatest-least, math, cast, interval, date-arith]
WITH idx AS (
  SELECT person_id, min(admit_date) AS t0
  FROM encounter WHERE encounter_type = 'inpatient' GROUP BY person_id
),
readmit AS (
  SELECT i.person_id, min(e.admit_date) AS t1
  FROM idx i JOIN encounter e ON e.person_id = i.person_id AND e.encounter_type = 'inpatient' AND e.admit_date > i.t0
  GROUP BY i.person_id
)
SELECT CASE WHEN r.t1 IS NOT NULL AND r.t1 <= least(i.t0 + INTERVAL 5 YEAR, DATE '2024-12-31') THEN 'readmitted'
            ELSE 'censored' END AS status,
       count(*) AS n,
       round(avg(least(coalesce(r.t1, DATE '2024-12-31'), DATE '2024-12-31', (i.t0 + INTERVAL 5 YEAR)::DATE) - i.t0), 1) AS mean_days
FROM idx i
LEFT JOIN readmit r USING (person_id)
GROUP BY status
ORDER BY status

# survival: life table of time to first HbA1c >= 7.0 after diabetes diagnosis in 90-day intervals [cte, join, left-join, using-join, subquery, group-by, group-by-ordinal, window, filter, coalesce, math, date-arith, string-fn]
WITH idx AS (
  SELECT person_id, min(diagnosis_date) AS t0 FROM diagnosis WHERE icd10 LIKE 'E11%' GROUP BY person_id
),
ev AS (
  SELECT l.person_id, min(l.sampled_date) AS t1
  FROM lab_result l JOIN idx USING (person_id)
  WHERE l.lab_code = '3D046' AND l.value >= 7.0 AND l.sampled_date >= idx.t0
  GROUP BY l.person_id
),
fu AS (
  SELECT i.person_id,
         coalesce(ev.t1, (SELECT max(admit_date) FROM encounter e WHERE e.person_id = i.person_id)) - i.t0 AS days,
         ev.t1 IS NOT NULL AS event
  FROM idx i LEFT JOIN ev USING (person_id)
),
bins AS (
  SELECT (days // 90) * 90 AS interval_start, count(*) FILTER (WHERE event) AS events, count(*) FILTER (WHERE NOT event) AS censored
  FROM fu WHERE days >= 0 GROUP BY 1
),
life AS (
  SELECT interval_start, events, censored,
         sum(events + censored) OVER (ORDER BY interval_start DESC) AS at_risk
  FROM bins
)
SELECT interval_start, events, censored, at_risk,
       round(1 - events / (at_risk - censored / 2), 4) AS interval_survival
FROM life
WHERE interval_start < 1800
ORDER BY interval_start

# survival: Kaplan-Meier estimate of time to readmission in days [cte, group-by, window, window-frame, coalesce, greatest-least, math, cast, date-arith, limit]
WITH idx AS (
  SELECT person_id, encounter_id, discharge_date,
         lead(admit_date) OVER (PARTITION BY person_id ORDER BY admit_date, encounter_id) AS next_admit
  FROM encounter
  WHERE encounter_type = 'inpatient'
),
fu AS (
  SELECT least(coalesce(next_admit, DATE '2024-12-31'), discharge_date + 365) - discharge_date AS t,
         (next_admit IS NOT NULL AND next_admit <= discharge_date + 365)::INTEGER AS event
  FROM idx
),
times AS (
  SELECT t, sum(event) AS d, count(*) AS c FROM fu WHERE t >= 0 GROUP BY t
),
risk AS (
  SELECT t, d, sum(c) OVER (ORDER BY t DESC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS n_at_risk
  FROM times
)
SELECT t, d, n_at_risk,
       round(exp(sum(ln(1 - d / n_at_risk)) OVER (ORDER BY t)), 4) AS km_survival
FROM risk
WHERE d > 0
ORDER BY t
LIMIT 200

# survival: follow-up start and end with a struct per patient [cte, group-by, coalesce, math, struct]
WITH fu AS (
  SELECT person_id,
         {'start': min(admit_date), 'end': max(coalesce(discharge_date, admit_date)), 'visits': count(*)} AS span
  FROM encounter
  GROUP BY person_id
)
SELECT span.visits AS visits, count(*) AS n_patients, round(avg(span.end - span.start), 1) AS mean_span_days
FROM fu
GROUP BY span.visits
ORDER BY visits

# survival: death as discharge outcome within 30 days of DPC admission for pneumonia [group-by, group-by-alias, count-if, math, date-fn, date-arith, string-fn]
SELECT year(admit_date) AS yr,
       count(*) AS admissions,
       count_if(discharge_outcome IN ('6', '7') AND discharge_date - admit_date <= 30) AS deaths_30d,
       round(100.0 * count_if(discharge_outcome IN ('6', '7') AND discharge_date - admit_date <= 30) / count(*), 2) AS mortality_pct
FROM dpc_admission
WHERE main_icd10 LIKE 'J18%'
GROUP BY yr
ORDER BY yr

# survival: time from cancer diagnosis to first chemotherapy order (cisplatin or paclitaxel) [cte, join, using-join, group-by, stats, date-arith, string-fn, list]
WITH dx AS (
  SELECT person_id, min(diagnosis_date) AS dx_date FROM diagnosis WHERE icd10 LIKE 'C%' GROUP BY person_id
),
chemo AS (
  SELECT person_id, min(order_date) AS first_chemo
  FROM medication
  WHERE drug_code LIKE '42%'
  GROUP BY person_id
)
SELECT count(*) AS treated,
       median(first_chemo - dx_date) AS median_days,
       quantile_cont(first_chemo - dx_date, [0.25, 0.75]) AS iqr_days
FROM dx JOIN chemo USING (person_id)
WHERE first_chemo >= dx_date

# survival: person-time split by calendar year (Lexis expansion) [cte, join, group-by, having, greatest-least, math, cast, date-fn, date-arith, table-function]
WITH fu AS (
  SELECT person_id, min(admit_date) AS t0, max(admit_date) AS t1
  FROM encounter GROUP BY person_id HAVING max(admit_date) > min(admit_date)
),
years AS (
  SELECT y::INTEGER AS yr FROM range(2015, 2025) r(y)
)
SELECT yr,
       round(sum(least(t1, make_date(yr, 12, 31)) - greatest(t0, make_date(yr, 1, 1))) / 365.25, 1) AS person_years
FROM fu
JOIN years ON make_date(yr, 1, 1) <= t1 AND make_date(yr, 12, 31) >= t0
GROUP BY yr
ORDER BY yr

# survival: ASOF join of each admission to the latest eGFR before it [cte, join, left-join, asof-join, group-by, group-by-all, group-by-alias, case]
WITH adm AS (
  SELECT encounter_id, person_id, admit_date FROM encounter WHERE encounter_type = 'inpatient'
),
egfr AS (
  SELECT person_id, sampled_date, min(value) AS value FROM lab_result WHERE lab_code = '3C025' GROUP BY ALL
)
SELECT CASE WHEN egfr.value IS NULL THEN 'no prior eGFR'
            WHEN egfr.value < 30 THEN '<30'
            WHEN egfr.value < 60 THEN '30-59'
            ELSE '60+' END AS egfr_band,
       count(*) AS admissions
FROM adm
ASOF LEFT JOIN egfr ON adm.person_id = egfr.person_id AND adm.admit_date > egfr.sampled_date
GROUP BY egfr_band
ORDER BY egfr_band

# survival: ASOF join of vital signs to the nearest earlier HbA1c [join, asof-join, subquery, group-by, group-by-alias, case, math]
SELECT CASE WHEN l.value >= 8 THEN 'poor' WHEN l.value >= 7 THEN 'fair' ELSE 'good' END AS control,
       count(*) AS n,
       round(avg(v.systolic_bp), 1) AS mean_sbp
FROM vital_sign v
ASOF JOIN (SELECT person_id, sampled_date, max(value) AS value FROM lab_result WHERE lab_code = '3D046' GROUP BY person_id, sampled_date) l
  ON v.person_id = l.person_id AND v.measured_date >= l.sampled_date
GROUP BY control
ORDER BY control

# survival: ASOF join of DPC admissions to last metformin order before admission [join, asof-join, subquery, group-by, group-by-all, order-by-all, date-arith, string-fn]
SELECT (d.admit_date - m.order_date <= 90) AS recent_metformin, count(*) AS admissions
FROM dpc_admission d
ASOF JOIN (SELECT person_id, order_date FROM medication WHERE drug_name LIKE 'メトホルミン%') m
  ON d.person_id = m.person_id AND d.admit_date >= m.order_date
GROUP BY ALL
ORDER BY ALL

# survival: time between consecutive hospitalizations per patient (gap distribution) [cte, window, stats, date-arith]
WITH adm AS (
  SELECT person_id, admit_date,
         admit_date - lag(discharge_date) OVER (PARTITION BY person_id ORDER BY admit_date, encounter_id) AS gap_days
  FROM encounter
  WHERE encounter_type = 'inpatient'
)
SELECT count(gap_days) AS n_gaps,
       min(gap_days) AS min_gap,
       quantile_disc(gap_days, 0.5) AS median_gap,
       max(gap_days) AS max_gap
FROM adm

# survival: competing outcomes after hip fracture admission [cte, subquery, exists, group-by, group-by-alias, case, string-fn]
WITH hip AS (
  SELECT person_id, min(admit_date) AS t0 FROM dpc_admission WHERE main_icd10 LIKE 'S72%' GROUP BY person_id
)
SELECT CASE
         WHEN EXISTS (SELECT 1 FROM dpc_admission d WHERE d.person_id = hip.person_id AND d.discharge_outcome IN ('6', '7')) THEN 'died in hospital'
         WHEN EXISTS (SELECT 1 FROM encounter e WHERE e.person_id = hip.person_id AND e.encounter_type = 'inpatient' AND e.admit_date > hip.t0) THEN 'readmitted'
         ELSE 'no further event'
       END AS outcome,
       count(*) AS n
FROM hip
GROUP BY outcome
ORDER BY outcome

# survival: age at event in years with fractional age [join, group-by, stats, math, date-fn]
SELECT p.sex,
       round(avg(date_diff('day', p.birth_date, d.diagnosis_date) / 365.25), 2) AS mean_age_at_stroke,
       round(median(date_diff('day', p.birth_date, d.diagnosis_date) / 365.25), 2) AS median_age
FROM diagnosis d
JOIN patient p ON p.person_id = d.person_id
WHERE d.icd10 = 'I63.9' AND d.is_main
GROUP BY p.sex
ORDER BY p.sex

# lab: HbA1c summary by year [group-by, group-by-alias, stats, math, date-fn]
SELECT year(sampled_date) AS yr,
       count(*) AS n,
       round(avg(value), 2) AS mean,
       round(stddev(value), 2) AS sd,
       median(value) AS median,
       quantile_cont(value, 0.25) AS q1,
       quantile_cont(value, 0.75) AS q3
FROM lab_result
WHERE lab_code = '3D046'
GROUP BY yr
ORDER BY yr

# lab: latest HbA1c per patient with QUALIFY [window, qualify, limit]
SELECT person_id, sampled_date, value
FROM lab_result
WHERE lab_code = '3D046'
QUALIFY row_number() OVER (PARTITION BY person_id ORDER BY sampled_date DESC, lab_id DESC) = 1
ORDER BY person_id
LIMIT 200

# lab: control status at latest HbA1c among diabetes patients [cte, subquery, in-subquery, group-by, group-by-alias, window, qualify, case, string-fn]
WITH latest AS (
  SELECT l.person_id, l.value
  FROM lab_result l
  WHERE l.lab_code = '3D046'
    AND l.person_id IN (SELECT person_id FROM diagnosis WHERE icd10 LIKE 'E11%')
  QUALIFY row_number() OVER (PARTITION BY l.person_id ORDER BY l.sampled_date DESC, l.lab_id DESC) = 1
)
SELECT CASE WHEN value < 7 THEN '<7.0' WHEN value < 8 THEN '7.0-7.9' ELSE '>=8.0' END AS hba1c_band,
       count(*) AS n
FROM latest
GROUP BY hba1c_band
ORDER BY hba1c_band

# lab: first and last creatinine per patient and change [window, window-frame, math, limit]
SELECT DISTINCT person_id,
       first_value(value) OVER w AS first_cre,
       last_value(value) OVER w AS last_cre,
       round(last_value(value) OVER w - first_value(value) OVER w, 2) AS delta
FROM lab_result
WHERE lab_code = '3C015'
WINDOW w AS (PARTITION BY person_id ORDER BY sampled_date, lab_id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
ORDER BY delta DESC, person_id
LIMIT 50

# lab: rolling mean of the last three HbA1c values per patient [window, window-frame, math, limit]
SELECT person_id, sampled_date, value,
       round(avg(value) OVER (PARTITION BY person_id ORDER BY sampled_date, lab_id ROWS BETWEEN 2 PRECEDING AND CURRENT ROW), 2) AS rolling3
FROM lab_result
WHERE lab_code = '3D046'
ORDER BY person_id, sampled_date, lab_id
LIMIT 300

# lab: creatinine 90-day window maximum for acute kidney injury screening [cte, window, window-frame, filter, interval]
WITH cre AS (
  SELECT person_id, sampled_date, value,
         min(value) OVER (PARTITION BY person_id ORDER BY sampled_date
                          RANGE BETWEEN INTERVAL 90 DAYS PRECEDING AND CURRENT ROW) AS baseline_90d
  FROM lab_result
  WHERE lab_code = '3C015'
)
SELECT count(*) AS samples,
       count(*) FILTER (WHERE value >= 1.5 * baseline_90d) AS aki_candidates
FROM cre

# lab: 30-day rolling count of lab orders per patient [subquery, in-subquery, window, window-frame, interval, limit]
SELECT person_id, sampled_date,
       count(*) OVER (PARTITION BY person_id ORDER BY sampled_date
                      RANGE BETWEEN INTERVAL 30 DAYS PRECEDING AND CURRENT ROW) AS orders_30d
FROM lab_result
WHERE person_id IN (SELECT person_id FROM patient ORDER BY person_id LIMIT 20)
ORDER BY person_id, sampled_date, orders_30d
LIMIT 500

# lab: eGFR slope per patient per year with regr_slope [group-by, having, stats, math, date-fn, limit]
SELECT person_id,
       count(*) AS n,
       round(regr_slope(value, date_diff('day', DATE '2015-01-01', sampled_date) / 365.25), 3) AS slope_per_year
FROM lab_result
WHERE lab_code = '3C025'
GROUP BY person_id
HAVING count(*) >= 4
ORDER BY slope_per_year, person_id
LIMIT 100

# lab: rapid eGFR decliners (slope < -3 per year) share [cte, group-by, having, stats, count-if, math, date-fn, date-arith]
WITH slopes AS (
  SELECT person_id, regr_slope(value, epoch(sampled_date) / 31557600.0) AS slope
  FROM lab_result
  WHERE lab_code = '3C025'
  GROUP BY person_id
  HAVING count(*) >= 3 AND max(sampled_date) - min(sampled_date) >= 180
)
SELECT count(*) AS patients,
       count_if(slope < -3) AS rapid_decliners,
       round(100.0 * count_if(slope < -3) / count(*), 1) AS pct
FROM slopes

# lab: HbA1c regression intercept and fit for glucose [cte, join, self-join, stats, math]
WITH paired AS (
  SELECT a.person_id, a.value AS hba1c, g.value AS glucose
  FROM lab_result a
  JOIN lab_result g ON g.encounter_id = a.encounter_id AND g.lab_code = '3D010'
  WHERE a.lab_code = '3D046'
)
SELECT count(*) AS n,
       round(corr(glucose, hba1c), 3) AS r,
       round(regr_slope(glucose, hba1c), 2) AS slope,
       round(regr_intercept(glucose, hba1c), 2) AS intercept,
       round(regr_r2(glucose, hba1c), 3) AS r2
FROM paired

# lab: change from previous value with lag and percent change [window, coalesce, math, limit]
SELECT person_id, sampled_date, value,
       lag(value) OVER (PARTITION BY person_id ORDER BY sampled_date, lab_id) AS prev_value,
       round(100 * (value - lag(value) OVER (PARTITION BY person_id ORDER BY sampled_date, lab_id))
             / nullif(lag(value) OVER (PARTITION BY person_id ORDER BY sampled_date, lab_id), 0), 1) AS pct_change
FROM lab_result
WHERE lab_code = '3F077'
ORDER BY person_id, sampled_date, lab_id
LIMIT 200

# lab: days since previous test per patient [subquery, group-by, window, stats, math, date-arith]
SELECT lab_code,
       round(avg(gap), 1) AS mean_days_between_tests,
       median(gap) AS median_days
FROM (
  SELECT lab_code, sampled_date - lag(sampled_date) OVER (PARTITION BY person_id, lab_code ORDER BY sampled_date, lab_id) AS gap
  FROM lab_result
) t
WHERE gap IS NOT NULL
GROUP BY lab_code
ORDER BY lab_code

# lab: patients whose HbA1c fell by at least 1 point between first and last test [cte, window, qualify, filter]
WITH ordered AS (
  SELECT person_id, value,
         first_value(value) OVER (PARTITION BY person_id ORDER BY sampled_date, lab_id) AS first_v,
         count(*) OVER (PARTITION BY person_id) AS n_tests
  FROM lab_result
  WHERE lab_code = '3D046'
  QUALIFY row_number() OVER (PARTITION BY person_id ORDER BY sampled_date DESC, lab_id DESC) = 1
)
SELECT count(*) AS with_2plus_tests,
       count(*) FILTER (WHERE first_v - value >= 1) AS improved
FROM ordered
WHERE n_tests >= 2

# lab: reference range flags per test [group-by, case]
SELECT lab_code, any_value(lab_name) AS name,
       count(*) AS n,
       sum(CASE WHEN lab_code = '3H015' AND (value < 3.5 OR value > 5.0) THEN 1
                WHEN lab_code = '3H010' AND (value < 135 OR value > 145) THEN 1
                ELSE 0 END) AS out_of_range
FROM lab_result
WHERE lab_code IN ('3H010', '3H015')
GROUP BY lab_code
ORDER BY lab_code

# lab: percentiles per test with quantile_disc [group-by, group-by-all, order-by-all, stats]
SELECT lab_code, unit,
       quantile_disc(value, 0.05) AS p05,
       quantile_disc(value, 0.5) AS p50,
       quantile_disc(value, 0.95) AS p95
FROM lab_result
GROUP BY ALL
ORDER BY ALL

# lab: approximate quantiles of CRP by department [join, group-by, stats, math]
SELECT e.department,
       count(*) AS n,
       round(approx_quantile(l.value, 0.5), 2) AS approx_median_crp,
       round(approx_quantile(l.value, 0.9), 2) AS approx_p90_crp
FROM lab_result l
JOIN encounter e ON e.encounter_id = l.encounter_id
WHERE l.lab_code = '5C070'
GROUP BY e.department
ORDER BY e.department

# lab: number of distinct tests per patient approximated [group-by, group-by-alias, stats, date-fn]
SELECT year(sampled_date) AS yr,
       approx_count_distinct(person_id) AS approx_patients,
       count(DISTINCT person_id) AS exact_patients
FROM lab_result
GROUP BY yr
ORDER BY yr

# lab: ntile quartiles of LDL with their ranges [cte, group-by, window]
WITH q AS (
  SELECT person_id, value AS ldl, ntile(4) OVER (ORDER BY value, lab_id) AS quartile
  FROM lab_result WHERE lab_code = '3F077'
)
SELECT quartile, count(*) AS n, min(ldl) AS min_ldl, max(ldl) AS max_ldl
FROM q
GROUP BY quartile
ORDER BY quartile

# lab: percent rank of patient mean creatinine within sex [cte, join, using-join, group-by, window, qualify, math]
WITH m AS (
  SELECT p.sex, l.person_id, round(avg(l.value), 3) AS mean_cre
  FROM lab_result l JOIN patient p USING (person_id)
  WHERE l.lab_code = '3C015'
  GROUP BY p.sex, l.person_id
)
SELECT sex, person_id, mean_cre,
       round(percent_rank() OVER (PARTITION BY sex ORDER BY mean_cre, person_id), 4) AS pct_rank
FROM m
QUALIFY pct_rank >= 0.99
ORDER BY sex, pct_rank, person_id

# lab: correlation of AST and ALT on the same encounter [join, self-join, stats, math]
SELECT count(*) AS pairs,
       round(corr(a.value, b.value), 3) AS r_ast_alt,
       round(covar_samp(a.value, b.value), 2) AS covariance,
       round(covar_pop(a.value, b.value), 2) AS covariance_pop
FROM lab_result a
JOIN lab_result b ON a.encounter_id = b.encounter_id AND b.lab_code = '3B045'
WHERE a.lab_code = '3B035'

# lab: variance of potassium by facility [join, using-join, group-by, stats, math]
SELECT e.facility_id,
       count(*) AS n,
       round(var_pop(l.value), 4) AS var_pop,
       round(var_samp(l.value), 4) AS var_samp,
       round(stddev_samp(l.value), 4) AS sd
FROM lab_result l
JOIN encounter e USING (encounter_id)
WHERE l.lab_code = '3H015'
GROUP BY e.facility_id
ORDER BY e.facility_id

# lab: anemia by sex-specific hemoglobin cut-off [join, group-by, filter]
SELECT p.sex,
       count(DISTINCT l.person_id) AS tested,
       count(DISTINCT l.person_id) FILTER (WHERE (p.sex = 'M' AND l.value < 13) OR (p.sex = 'F' AND l.value < 12)) AS anemic
FROM lab_result l
JOIN patient p ON p.person_id = l.person_id
WHERE l.lab_code = '2A030'
GROUP BY p.sex
ORDER BY p.sex

# lab: CKD stage at latest eGFR [subquery, group-by, group-by-alias, window, qualify, case]
SELECT CASE
         WHEN value >= 90 THEN 'G1'
         WHEN value >= 60 THEN 'G2'
         WHEN value >= 45 THEN 'G3a'
         WHEN value >= 30 THEN 'G3b'
         WHEN value >= 15 THEN 'G4'
         ELSE 'G5'
       END AS gfr_category,
       count(*) AS n
FROM (
  SELECT person_id, value
  FROM lab_result
  WHERE lab_code = '3C025'
  QUALIFY row_number() OVER (PARTITION BY person_id ORDER BY sampled_date DESC, lab_id DESC) = 1
) latest
GROUP BY gfr_category
ORDER BY gfr_category

# lab: values with lab name normalized for display [group-by, group-by-all, order-by-all, string-fn]
SELECT upper(lab_code) AS code, trim(lab_name) AS name, lower(unit) AS unit_lc, count(*) AS n
FROM lab_result
GROUP BY ALL
ORDER BY ALL

# lab: lipid profile wide per encounter [cte, group-by, math, pivot]
WITH lipids AS (
  SELECT encounter_id, lab_code, value
  FROM lab_result
  WHERE lab_code IN ('3F015', '3F070', '3F077')
)
SELECT count(*) AS encounters,
       round(avg("3F015"), 1) AS total_chol,
       round(avg("3F070"), 1) AS hdl,
       round(avg("3F077"), 1) AS ldl
FROM (PIVOT lipids ON lab_code IN ('3F015', '3F070', '3F077') USING first(value) GROUP BY encounter_id)

# lab: monthly median HbA1c with window comparison to previous month [cte, group-by, group-by-ordinal, window, stats, date-fn]
WITH m AS (
  SELECT date_trunc('month', sampled_date) AS month, median(value) AS med
  FROM lab_result
  WHERE lab_code = '3D046' AND sampled_date >= DATE '2023-01-01'
  GROUP BY 1
)
SELECT month, med, med - lag(med) OVER (ORDER BY month) AS diff_prev
FROM m
ORDER BY month

# lab: list of HbA1c values per patient in time order [group-by, having, list, limit]
SELECT person_id,
       list(value ORDER BY sampled_date, lab_id) AS hba1c_series,
       len(list(value)) AS n
FROM lab_result
WHERE lab_code = '3D046'
GROUP BY person_id
HAVING count(*) >= 5
ORDER BY person_id
LIMIT 50

# lab: HbA1c trajectory groups from first and last in list [cte, group-by, group-by-alias, having, case, list]
WITH s AS (
  SELECT person_id, list(value ORDER BY sampled_date, lab_id) AS vals
  FROM lab_result
  WHERE lab_code = '3D046'
  GROUP BY person_id
  HAVING count(*) >= 3
)
SELECT CASE WHEN vals[-1] - vals[1] <= -0.5 THEN 'improving'
            WHEN vals[-1] - vals[1] >= 0.5 THEN 'worsening'
            ELSE 'stable' END AS trajectory,
       count(*) AS n
FROM s
GROUP BY trajectory
ORDER BY trajectory

# lab: arg_max to get the value at the latest sampling date [group-by, arg-max, limit]
SELECT person_id,
       arg_max(value, (sampled_date, lab_id)) AS latest_ldl,
       arg_min(value, (sampled_date, lab_id)) AS first_ldl,
       max(sampled_date) AS latest_date
FROM lab_result
WHERE lab_code = '3F077'
GROUP BY person_id
ORDER BY person_id
LIMIT 100

# lab: highest BNP per patient with the date it was measured [group-by, arg-max, limit]
SELECT person_id, max(value) AS peak_bnp, arg_max(sampled_date, (value, lab_id)) AS peak_date
FROM lab_result
WHERE lab_code = '5A105'
GROUP BY person_id
ORDER BY peak_bnp DESC, person_id
LIMIT 30

# lab: tests with unit strings matching a pattern [group-by, string-fn, regexp]
SELECT unit, count(*) AS n
FROM lab_result
WHERE regexp_matches(unit, '^(mg|g|pg)/')
GROUP BY unit
ORDER BY unit

# lab: JLAC10 code parts split into analyte group and number [group-by, group-by-alias, string-fn, regexp]
SELECT regexp_extract(lab_code, '^([0-9][A-Z])', 1) AS analyte_group,
       count(DISTINCT lab_code) AS n_codes,
       count(*) AS n_results
FROM lab_result
GROUP BY analyte_group
ORDER BY analyte_group

# lab: counts of values above thresholds per test with FILTER [group-by, group-by-all, order-by-all, filter]
SELECT lab_code,
       count(*) AS n,
       count(*) FILTER (WHERE lab_code = '3D046' AND value >= 6.5) AS hba1c_diabetic,
       count(*) FILTER (WHERE lab_code = '3D010' AND value >= 126) AS fpg_diabetic,
       count(*) FILTER (WHERE lab_code = '3F077' AND value >= 140) AS ldl_high
FROM lab_result
WHERE lab_code IN ('3D046', '3D010', '3F077')
GROUP BY ALL
ORDER BY ALL

# lab: lab_result rows without the lab name, values rounded [math, exclude, replace, limit]
SELECT * EXCLUDE (lab_name) REPLACE (round(value, 1) AS value)
FROM lab_result
WHERE lab_code = '3C015'
ORDER BY lab_id
LIMIT 20

# lab: dense rank of facilities by mean HbA1c [join, group-by, window, math]
SELECT e.facility_id,
       round(avg(l.value), 3) AS mean_hba1c,
       dense_rank() OVER (ORDER BY round(avg(l.value), 3) DESC) AS rnk
FROM lab_result l
JOIN encounter e ON e.encounter_id = l.encounter_id
WHERE l.lab_code = '3D046'
GROUP BY e.facility_id
ORDER BY rnk, e.facility_id

# medication: most frequently ordered drugs [group-by, limit]
SELECT drug_code, drug_name, count(*) AS orders, count(DISTINCT person_id) AS patients
FROM medication
GROUP BY drug_code, drug_name
ORDER BY orders DESC, drug_code
LIMIT 25

# medication: orders by route and unit [group-by, group-by-all, order-by-all, math]
SELECT route, unit, count(*) AS orders, round(avg(dose), 2) AS mean_dose
FROM medication
GROUP BY ALL
ORDER BY ALL

# medication: generic name stripped of dosage form and strength [group-by, group-by-alias, string-fn, regexp, limit]
SELECT regexp_replace(drug_name, '(錠|カプセル|注).*$', '') AS ingredient,
       count(DISTINCT person_id) AS patients
FROM medication
GROUP BY ingredient
ORDER BY patients DESC, ingredient
LIMIT 40

# medication: therapeutic category from the first 4 digits of the YJ code [group-by, group-by-alias, string-fn]
SELECT substr(drug_code, 1, 4) AS yj4, count(*) AS orders, count(DISTINCT person_id) AS patients
FROM medication
GROUP BY yj4
ORDER BY yj4

# medication: total days supplied per patient per year for statins [group-by, group-by-ordinal, date-fn, string-fn, limit]
SELECT person_id, year(order_date) AS yr, sum(days) AS days_supplied
FROM medication
WHERE drug_code LIKE '2189%'
GROUP BY 1, 2
ORDER BY 3 DESC, 1, 2
LIMIT 100

# medication: proportion of days covered for statins in 2023 [cte, group-by, group-by-alias, case, greatest-least, math, date-arith, string-fn]
WITH rx AS (
  SELECT person_id,
         greatest(order_date, DATE '2023-01-01') AS s,
         least(order_date + days - 1, DATE '2023-12-31') AS e
  FROM medication
  WHERE drug_code LIKE '2189%'
    AND order_date <= DATE '2023-12-31'
    AND order_date + days - 1 >= DATE '2023-01-01'
),
covered AS (
  SELECT person_id, least(sum(e - s + 1), 365) AS days_covered FROM rx GROUP BY person_id
)
SELECT CASE WHEN days_covered / 365.0 >= 0.8 THEN 'adherent (PDC>=0.8)' ELSE 'non-adherent' END AS adherence,
       count(*) AS patients,
       round(avg(days_covered / 365.0), 3) AS mean_pdc
FROM covered
GROUP BY adherence
ORDER BY adherence

# medication: exposure episodes with 30-day grace period (gaps and islands) [cte, subquery, group-by, window, case, math, date-arith, string-fn]
WITH rx AS (
  SELECT person_id, medication_id, order_date, order_date + days AS supply_end,
         lag(order_date + days) OVER (PARTITION BY person_id ORDER BY order_date, medication_id) AS prev_end
  FROM medication
  WHERE drug_name LIKE 'メトホルミン%'
),
flagged AS (
  SELECT *, CASE WHEN prev_end IS NULL OR order_date > prev_end + 30 THEN 1 ELSE 0 END AS new_episode
  FROM rx
),
episodes AS (
  SELECT person_id, sum(new_episode) OVER (PARTITION BY person_id ORDER BY order_date, medication_id ROWS UNBOUNDED PRECEDING) AS episode_no, order_date, supply_end
  FROM flagged
)
SELECT count(*) AS episodes,
       round(avg(episode_days), 1) AS mean_days,
       max(episode_days) AS max_days
FROM (
  SELECT person_id, episode_no, max(supply_end) - min(order_date) AS episode_days
  FROM episodes
  GROUP BY person_id, episode_no
) e

# medication: discontinuation within a year of starting a DPP-4 inhibitor [cte, join, using-join, group-by, group-by-alias, filter, date-fn, interval, date-arith, string-fn]
WITH starts AS (
  SELECT person_id, min(order_date) AS start_date FROM medication WHERE drug_code LIKE '3969%' GROUP BY person_id
),
last_rx AS (
  SELECT person_id, max(order_date + days) AS last_supply FROM medication WHERE drug_code LIKE '3969%' GROUP BY person_id
)
SELECT year(s.start_date) AS start_year,
       count(*) AS starters,
       count(*) FILTER (WHERE l.last_supply < s.start_date + INTERVAL 365 DAY) AS stopped_within_1y
FROM starts s JOIN last_rx l USING (person_id)
WHERE s.start_date <= DATE '2023-12-31'
GROUP BY start_year
ORDER BY start_year

# medication: polypharmacy (5 or more distinct drugs ordered in a calendar quarter) [cte, group-by, group-by-alias, count-if, date-fn]
WITH q AS (
  SELECT person_id, date_trunc('quarter', order_date) AS qtr, count(DISTINCT drug_code) AS n_drugs
  FROM medication
  WHERE route = 'oral'
  GROUP BY person_id, qtr
)
SELECT year(qtr) AS yr, count(*) AS patient_quarters, count_if(n_drugs >= 5) AS polypharmacy
FROM q
GROUP BY yr
ORDER BY yr

# medication: concurrent warfarin and NSAID orders on the same encounter [join, self-join, group-by, group-by-alias, date-fn, string-fn]
SELECT year(a.order_date) AS yr, count(DISTINCT a.person_id) AS patients
FROM medication a
JOIN medication b ON a.encounter_id = b.encounter_id AND a.medication_id <> b.medication_id
WHERE a.drug_name LIKE 'ワルファリン%'
  AND b.drug_code LIKE '1149%'
GROUP BY yr
ORDER BY yr

# medication: anticoagulant choice for atrial fibrillation by year [cte, subquery, in-subquery, case, date-fn, string-fn, pivot]
WITH ac AS (
  SELECT year(m.order_date) AS yr,
         CASE WHEN m.drug_name LIKE 'ワルファリン%' THEN 'warfarin' ELSE 'doac' END AS agent
  FROM medication m
  WHERE m.drug_code LIKE '333%'
    AND m.person_id IN (SELECT person_id FROM diagnosis WHERE icd10 = 'I48')
)
SELECT * FROM ac PIVOT (count(*) FOR agent IN ('warfarin', 'doac')) ORDER BY yr

# medication: first-line diabetes drug per patient with DISTINCT ON [subquery, group-by, distinct-on, string-fn]
SELECT drug_name, count(*) AS patients
FROM (
  SELECT DISTINCT ON (person_id) person_id, drug_name
  FROM medication
  WHERE drug_code LIKE '396%' OR drug_code LIKE '2492%'
  ORDER BY person_id, order_date, medication_id
) first_line
GROUP BY drug_name
ORDER BY patients DESC, drug_name

# medication: switching from one antihypertensive to another with lead() [cte, group-by, group-by-all, order-by-all, window, string-fn]
WITH seq AS (
  SELECT person_id, drug_name,
         lead(drug_name) OVER (PARTITION BY person_id ORDER BY order_date, medication_id) AS next_drug
  FROM medication
  WHERE drug_code LIKE '2149%'
)
SELECT drug_name AS from_drug, next_drug AS to_drug, count(*) AS transitions
FROM seq
WHERE next_drug IS NOT NULL AND next_drug <> drug_name
GROUP BY ALL
ORDER BY ALL

# medication: drug regimen per patient as sorted distinct list [subquery, in-subquery, group-by, string-fn, regexp, list, limit]
SELECT person_id,
       list_sort(list_distinct(list(regexp_replace(drug_name, '(錠|カプセル|注).*$', '')))) AS regimen,
       count(*) AS orders
FROM medication
WHERE person_id IN (SELECT person_id FROM diagnosis WHERE icd10 LIKE 'E11%')
  AND (drug_code LIKE '396%' OR drug_code LIKE '2492%')
GROUP BY person_id
ORDER BY person_id
LIMIT 100

# medication: most common diabetes regimens [cte, group-by, group-by-alias, string-fn, list, limit]
WITH regimens AS (
  SELECT person_id, list_sort(list_distinct(array_agg(drug_code))) AS regimen
  FROM medication
  WHERE drug_code LIKE '396%' OR drug_code LIKE '2492%'
  GROUP BY person_id
)
SELECT regimen, len(regimen) AS n_drugs, count(*) AS patients
FROM regimens
GROUP BY regimen, n_drugs
ORDER BY patients DESC, n_drugs, regimen
LIMIT 20

# medication: patients on insulin among their ordered drugs (list_contains) [cte, group-by, group-by-alias, list]
WITH drugs AS (
  SELECT person_id, list(DISTINCT drug_code) AS codes
  FROM medication
  GROUP BY person_id
)
SELECT list_contains(codes, '2492415G1024') AS on_glargine, count(*) AS patients
FROM drugs
GROUP BY on_glargine
ORDER BY on_glargine

# medication: drug names per encounter as an ordered string [group-by, having, list, limit]
SELECT encounter_id, string_agg(drug_name, ' / ' ORDER BY drug_name) AS prescriptions, count(*) AS n
FROM medication
WHERE order_date BETWEEN DATE '2024-12-01' AND DATE '2024-12-31'
GROUP BY encounter_id
HAVING count(*) >= 2
ORDER BY encounter_id
LIMIT 100

# medication: drug classes of interest from a list literal [join, left-join, subquery, group-by, string-fn, list]
SELECT cls.prefix AS class_prefix, count(DISTINCT m.person_id) AS patients
FROM (SELECT unnest(['2149', '2189', '3962', '3969', '333']) AS prefix) cls
LEFT JOIN medication m ON starts_with(m.drug_code, cls.prefix)
GROUP BY cls.prefix
ORDER BY cls.prefix

# medication: antibiotics on inpatient encounters by department [join, group-by, string-fn]
SELECT e.department, count(*) AS antibiotic_orders, count(DISTINCT e.encounter_id) AS encounters
FROM medication m
JOIN encounter e ON e.encounter_id = m.encounter_id
WHERE e.encounter_type = 'inpatient' AND m.drug_code LIKE '6%'
GROUP BY e.department
ORDER BY antibiotic_orders DESC, e.department

# medication: injection orders per admission day [join, group-by, filter, greatest-least, math, date-arith]
SELECT e.encounter_type,
       round(sum(m.days) FILTER (WHERE m.route = 'injection') / sum(greatest(e.discharge_date - e.admit_date, 1)), 3) AS injection_days_per_bed_day
FROM encounter e
JOIN medication m ON m.encounter_id = e.encounter_id
WHERE e.encounter_type = 'inpatient'
GROUP BY e.encounter_type

# medication: daily dose in mg parsed from the drug name strength [group-by, math, cast, string-fn, regexp]
SELECT drug_name,
       regexp_extract(drug_name, '([0-9.]+)mg', 1)::DOUBLE AS strength_mg,
       round(avg(dose * regexp_extract(drug_name, '([0-9.]+)mg', 1)::DOUBLE), 2) AS mean_daily_mg
FROM medication
WHERE route = 'oral' AND regexp_matches(drug_name, '[0-9.]+mg')
GROUP BY drug_name
ORDER BY drug_name

# medication: metformin users by sex and age group using CASE and IN subquery [subquery, in-subquery, group-by, group-by-all, order-by-all, case, date-fn, string-fn]
SELECT p.sex,
       CASE WHEN datediff('year', p.birth_date, DATE '2024-12-31') >= 75 THEN '75+' ELSE '<75' END AS age_group,
       count(*) AS users
FROM patient p
WHERE p.person_id IN (SELECT person_id FROM medication WHERE drug_name LIKE 'メトホルミン%')
GROUP BY ALL
ORDER BY ALL

# medication: metformin in patients with eGFR below 30 (contraindication check) [subquery, exists, interval, date-arith, string-fn]
SELECT count(DISTINCT m.person_id) AS patients
FROM medication m
WHERE m.drug_name LIKE 'メトホルミン%'
  AND EXISTS (
    SELECT 1 FROM lab_result l
    WHERE l.person_id = m.person_id AND l.lab_code = '3C025' AND l.value < 30
      AND l.sampled_date BETWEEN m.order_date - INTERVAL 90 DAY AND m.order_date
  )

# medication: any and all oral orders per patient with bool_or and bool_and [subquery, group-by, bool-agg]
SELECT bool_or(route = 'injection') AS any_injection,
       bool_and(route = 'oral') AS oral_only,
       count(*) AS patients
FROM (
  SELECT person_id, bool_or(route = 'injection') AS has_inj, bool_and(route = 'oral') AS only_oral, any_value(route) AS route
  FROM medication GROUP BY person_id
) t
GROUP BY has_inj, only_oral
ORDER BY has_inj, only_oral

# medication: patients ever on insulin and always on oral drugs by diabetes type [join, using-join, subquery, group-by, group-by-alias, count-if, bool-agg, case, string-fn]
SELECT CASE WHEN d.icd10 LIKE 'E10%' THEN 'type 1' ELSE 'type 2' END AS dm_type,
       count(*) AS patients,
       count_if(insulin) AS ever_insulin,
       count_if(oral_only) AS oral_only
FROM (
  SELECT person_id, bool_or(drug_code LIKE '2492%') AS insulin, bool_and(route = 'oral') AS oral_only
  FROM medication GROUP BY person_id
) m
JOIN (SELECT DISTINCT person_id, icd10 FROM diagnosis WHERE icd10 IN ('E10.9', 'E11.9')) d USING (person_id)
GROUP BY dm_type
ORDER BY dm_type

# medication: monthly new users of DOACs [subquery, group-by, group-by-ordinal, date-fn, string-fn]
SELECT date_trunc('month', first_order) AS month, count(*) AS new_users
FROM (
  SELECT person_id, min(order_date) AS first_order FROM medication WHERE drug_name LIKE 'アピキサバン%' GROUP BY person_id
) t
WHERE first_order >= DATE '2022-01-01'
GROUP BY 1
ORDER BY 1

# medication: most recent order per patient and drug with QUALIFY [window, qualify, string-fn, limit]
SELECT person_id, drug_name, order_date, days
FROM medication
WHERE drug_code LIKE '2189%'
QUALIFY rank() OVER (PARTITION BY person_id, drug_code ORDER BY order_date DESC, medication_id DESC) = 1
ORDER BY person_id, drug_name
LIMIT 200

# medication: days supply distribution by drug with its unit (mode) and median [group-by, stats]
SELECT drug_name, mode(unit) AS unit, count(*) AS orders, median(days) AS median_days, quantile_disc(days, 0.9) AS p90_days, max(days) AS max_days
FROM medication
WHERE route = 'oral'
GROUP BY drug_name
ORDER BY drug_name

# medication: cumulative days of supply per patient over time [window, window-frame, string-fn, limit]
SELECT person_id, order_date, days,
       sum(days) OVER (PARTITION BY person_id ORDER BY order_date, medication_id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cumulative_days
FROM medication
WHERE drug_name LIKE 'アムロジピン%'
ORDER BY person_id, order_date, medication_id
LIMIT 300

# medication: supply in the last 180 days at each order (RANGE frame) [window, window-frame, interval, string-fn, limit]
SELECT person_id, order_date,
       sum(days) OVER (PARTITION BY person_id ORDER BY order_date RANGE BETWEEN INTERVAL '180' DAY PRECEDING AND CURRENT ROW) AS days_last_180
FROM medication
WHERE drug_code LIKE '2149%'
ORDER BY days_last_180 DESC, person_id, order_date
LIMIT 100

# medication: orders of a 5 percent patient sample for a data quality check with fixed seed [cte, join, group-by, math, sample]
WITH sampled AS (SELECT person_id FROM patient USING SAMPLE 5% (bernoulli, 7))
SELECT m.route, count(*) AS n, round(avg(m.days), 1) AS mean_days
FROM medication m
JOIN sampled s ON s.person_id = m.person_id
GROUP BY m.route
ORDER BY m.route

# medication: medication rows with drug code zero-padded and dose cast [cast, string-fn, replace, limit]
SELECT * REPLACE (lpad(drug_code, 12, '0') AS drug_code, dose::DECIMAL(10, 2) AS dose)
FROM medication
WHERE route = 'injection'
ORDER BY medication_id
LIMIT 25

# medication: generic name with strength, cleaned with concat and replace [group-by, group-by-alias, string-fn]
SELECT concat(replace(drug_name, 'カプセル', 'Cap'), ' (', unit, ')') AS label, count(*) AS orders
FROM medication
WHERE route = 'oral'
GROUP BY label
ORDER BY label

# medication: orders per patient by sex with a left join from patients [join, left-join, group-by, math]
SELECT p.sex, count(DISTINCT p.person_id) AS patients, count(m.medication_id) AS orders,
       round(count(m.medication_id) / count(DISTINCT p.person_id), 2) AS orders_per_patient
FROM patient p
LEFT JOIN medication m ON m.person_id = p.person_id
GROUP BY p.sex
ORDER BY p.sex

# medication: patients with a statin but no lipid lab in the following year [cte, subquery, exists, group-by, filter, interval, date-arith, string-fn]
WITH statin AS (
  SELECT person_id, min(order_date) AS first_statin FROM medication WHERE drug_code LIKE '2189%' GROUP BY person_id
)
SELECT count(*) AS statin_users,
       count(*) FILTER (WHERE NOT EXISTS (
         SELECT 1 FROM lab_result l
         WHERE l.person_id = s.person_id AND l.lab_code = '3F077'
           AND l.sampled_date BETWEEN s.first_statin AND s.first_statin + INTERVAL 1 YEAR
       )) AS without_ldl_followup
FROM statin s

# readmission: 30-day all-cause readmission rate by year of index discharge [cte, group-by, group-by-alias, window, filter, math, date-fn, date-arith]
WITH adm AS (
  SELECT person_id, encounter_id, admit_date, discharge_date,
         lead(admit_date) OVER (PARTITION BY person_id ORDER BY admit_date, encounter_id) AS next_admit
  FROM encounter
  WHERE encounter_type = 'inpatient'
)
SELECT year(discharge_date) AS yr,
       count(*) AS index_stays,
       count(*) FILTER (WHERE next_admit - discharge_date BETWEEN 0 AND 30) AS readmit_30d,
       round(100.0 * count(*) FILTER (WHERE next_admit - discharge_date BETWEEN 0 AND 30) / count(*), 2) AS rate_pct
FROM adm
GROUP BY yr
ORDER BY yr

# readmission: 30-day readmission via self-join of admissions [join, left-join, self-join, group-by, filter, interval, date-arith]
SELECT a.facility_id,
       count(DISTINCT a.encounter_id) AS index_stays,
       count(DISTINCT a.encounter_id) FILTER (WHERE b.encounter_id IS NOT NULL) AS readmitted
FROM encounter a
LEFT JOIN encounter b
  ON b.person_id = a.person_id
 AND b.encounter_type = 'inpatient'
 AND b.admit_date > a.discharge_date
 AND b.admit_date <= a.discharge_date + INTERVAL 30 DAY
WHERE a.encounter_type = 'inpatient'
GROUP BY a.facility_id
ORDER BY a.facility_id

# readmission: heart failure readmission within 90 days with EXISTS [subquery, exists, filter, date-arith, string-fn]
SELECT count(*) AS hf_stays,
       count(*) FILTER (WHERE EXISTS (
         SELECT 1 FROM dpc_admission r
         WHERE r.person_id = d.person_id AND r.admit_date > d.discharge_date
           AND r.admit_date <= d.discharge_date + 90
       )) AS readmitted_90d
FROM dpc_admission d
WHERE d.main_icd10 LIKE 'I50%'

# readmission: frequent flyers with 3 or more admissions in any 365-day window [cte, window, window-frame, interval]
WITH w AS (
  SELECT person_id, admit_date,
         count(*) OVER (PARTITION BY person_id ORDER BY admit_date
                        RANGE BETWEEN INTERVAL 365 DAYS PRECEDING AND CURRENT ROW) AS adm_365
  FROM encounter
  WHERE encounter_type = 'inpatient'
)
SELECT count(DISTINCT person_id) AS frequent_patients
FROM w
WHERE adm_365 >= 3

# readmission: readmission by discharge department and sex [cte, join, using-join, group-by, group-by-all, order-by-all, window, count-if, date-arith]
WITH adm AS (
  SELECT e.*, lead(admit_date) OVER (PARTITION BY person_id ORDER BY admit_date, encounter_id) AS next_admit
  FROM encounter e
  WHERE encounter_type = 'inpatient'
)
SELECT a.department, p.sex,
       count(*) AS stays,
       count_if(a.next_admit <= a.discharge_date + 30) AS readmit_30d
FROM adm a
JOIN patient p USING (person_id)
GROUP BY ALL
ORDER BY ALL

# readmission: same-day or next-day return to emergency after discharge [join, self-join, date-arith]
SELECT count(*) AS returns
FROM encounter i
JOIN encounter e ON e.person_id = i.person_id
WHERE i.encounter_type = 'inpatient'
  AND e.encounter_type = 'emergency'
  AND e.admit_date - i.discharge_date BETWEEN 0 AND 1

# los: length of stay distribution for inpatients [stats, math, date-arith]
SELECT count(*) AS stays,
       round(avg(discharge_date - admit_date), 2) AS mean_los,
       median(discharge_date - admit_date) AS median_los,
       quantile_cont(discharge_date - admit_date, 0.9) AS p90_los,
       max(discharge_date - admit_date) AS max_los
FROM encounter
WHERE encounter_type = 'inpatient'

# los: mean length of stay by main diagnosis in DPC data [group-by, having, stats, math]
SELECT main_icd10, count(*) AS stays, round(avg(los_days), 1) AS mean_los, median(los_days) AS median_los
FROM dpc_admission
GROUP BY main_icd10
HAVING count(*) >= 20
ORDER BY mean_los DESC, main_icd10

# los: length of stay with date_diff and datediff spellings agree with los_days [count-if, date-fn]
SELECT count(*) AS stays,
       count_if(date_diff('day', admit_date, discharge_date) = los_days) AS date_diff_agrees,
       count_if(datediff('day', admit_date, discharge_date) = los_days) AS datediff_agrees
FROM dpc_admission

# los: long stays over 21 days by facility and year [group-by, group-by-all, having, order-by-all, filter, date-fn, limit]
SELECT facility_id, year(admit_date) AS yr,
       count(*) AS stays,
       count(*) FILTER (WHERE los_days > 21) AS long_stays
FROM dpc_admission
GROUP BY ALL
HAVING count(*) FILTER (WHERE los_days > 21) > 0
ORDER BY ALL
LIMIT 500

# los: length of stay by age group and sex with ROLLUP subtotals [join, using-join, group-by, group-by-alias, rollup-cube, case, math, date-fn]
SELECT p.sex,
       CASE WHEN datediff('year', p.birth_date, d.admit_date) >= 75 THEN '75+'
            WHEN datediff('year', p.birth_date, d.admit_date) >= 65 THEN '65-74'
            ELSE '<65' END AS age_group,
       count(*) AS stays,
       round(avg(d.los_days), 2) AS mean_los
FROM dpc_admission d
JOIN patient p USING (person_id)
GROUP BY ROLLUP (p.sex, age_group)
ORDER BY p.sex NULLS LAST, age_group NULLS LAST

# los: bed days per month from admissions spanning months [cte, join, group-by, greatest-least, cast, date-fn, interval, date-arith, table-function]
WITH months AS (
  SELECT m::DATE AS month_start, last_day(m::DATE) AS month_end
  FROM generate_series(DATE '2024-01-01', DATE '2024-12-01', INTERVAL 1 MONTH) t(m)
)
SELECT month_start,
       sum(least(e.discharge_date, month_end + 1) - greatest(e.admit_date, month_start)) AS bed_days
FROM months
JOIN encounter e
  ON e.encounter_type = 'inpatient'
 AND e.admit_date <= month_end
 AND e.discharge_date > month_start
GROUP BY month_start
ORDER BY month_start

# los: weekend versus weekday admissions and length of stay [group-by, group-by-alias, case, math, date-fn]
SELECT CASE WHEN dayofweek(admit_date) IN (0, 6) THEN 'weekend' ELSE 'weekday' END AS admit_day,
       count(*) AS stays,
       round(avg(los_days), 2) AS mean_los
FROM dpc_admission
GROUP BY admit_day
ORDER BY admit_day

# los: outlier stays above the 95th percentile per diagnosis [window, qualify, stats, limit]
SELECT dpc_id, main_icd10, los_days
FROM dpc_admission
QUALIFY los_days > quantile_cont(los_days, 0.95) OVER (PARTITION BY main_icd10)
ORDER BY main_icd10, los_days DESC, dpc_id
LIMIT 200

# dpc: MDC (major diagnostic category) from the first two digits of the DPC code [group-by, group-by-alias, math, string-fn]
SELECT left(dpc_code, 2) AS mdc, count(*) AS stays, round(avg(los_days), 1) AS mean_los
FROM dpc_admission
GROUP BY mdc
ORDER BY mdc

# dpc: DPC 6-digit diagnosis group and surgery flag from code positions [group-by, group-by-all, string-fn, limit]
SELECT substring(dpc_code, 1, 6) AS dx_group,
       substring(dpc_code, 9, 2) AS surgery_code,
       count(*) AS stays
FROM dpc_admission
GROUP BY ALL
ORDER BY stays DESC, dx_group, surgery_code
LIMIT 50

# dpc: discharge outcome labels [group-by, group-by-all, order-by-all, case]
SELECT discharge_outcome,
       CASE discharge_outcome
         WHEN '1' THEN '治癒'
         WHEN '2' THEN '軽快'
         WHEN '3' THEN '寛解'
         WHEN '4' THEN '不変'
         WHEN '5' THEN '増悪'
         WHEN '6' THEN '医療資源を最も投入した傷病による死亡'
         WHEN '7' THEN '医療資源を最も投入した傷病以外による死亡'
         ELSE 'その他'
       END AS outcome_label,
       count(*) AS n
FROM dpc_admission
GROUP BY ALL
ORDER BY ALL

# dpc: in-hospital mortality by main diagnosis chapter [group-by, group-by-ordinal, filter, math, string-fn]
SELECT left(main_icd10, 1) AS chapter,
       count(*) AS stays,
       count(*) FILTER (WHERE discharge_outcome IN ('6', '7')) AS deaths,
       round(100.0 * count(*) FILTER (WHERE discharge_outcome IN ('6', '7')) / count(*), 2) AS mortality_pct
FROM dpc_admission
GROUP BY 1
ORDER BY 1

# dpc: admissions per facility pivoted by year [subquery, cast, date-fn, pivot]
SELECT *
FROM (SELECT facility_id, year(admit_date)::VARCHAR AS yr FROM dpc_admission WHERE admit_date >= DATE '2020-01-01')
PIVOT (count(*) FOR yr IN ('2020', '2021', '2022', '2023', '2024'))
ORDER BY facility_id

# dpc: wide yearly counts back to long format [cte, group-by, filter, date-fn, unpivot]
WITH wide AS (
  SELECT facility_id,
         count(*) FILTER (WHERE year(admit_date) = 2022) AS y2022,
         count(*) FILTER (WHERE year(admit_date) = 2023) AS y2023,
         count(*) FILTER (WHERE year(admit_date) = 2024) AS y2024
  FROM dpc_admission
  GROUP BY facility_id
)
SELECT facility_id, yr, n
FROM wide
UNPIVOT (n FOR yr IN (y2022, y2023, y2024))
ORDER BY facility_id, yr

# dpc: length of stay statistics as long format via UNPIVOT [cte, group-by, stats, math, cast, unpivot]
WITH s AS (
  SELECT main_icd10,
         avg(los_days)::DOUBLE AS mean_los,
         median(los_days)::DOUBLE AS median_los,
         max(los_days)::DOUBLE AS max_los
  FROM dpc_admission
  WHERE main_icd10 IN ('J18.9', 'I50.9', 'I63.9', 'S72.0')
  GROUP BY main_icd10
)
SELECT main_icd10, statistic, round(value, 2) AS value
FROM s
UNPIVOT (value FOR statistic IN (mean_los, median_los, max_los))
ORDER BY main_icd10, statistic

# dpc: main diagnosis agrees with encounter main diagnosis [join, count-if]
SELECT count(*) AS stays,
       count_if(d.main_icd10 = x.icd10) AS agrees
FROM dpc_admission d
JOIN diagnosis x ON x.encounter_id = d.encounter_id AND x.is_main

# dpc: DPC stays with no matching encounter (linkage check) [join, left-join]
SELECT count(*) AS dpc_rows, count(e.encounter_id) AS linked, count(*) - count(e.encounter_id) AS unlinked
FROM dpc_admission d
LEFT JOIN encounter e ON e.encounter_id = d.encounter_id

# dpc: encounters and DPC records reconciled with a FULL JOIN [join, full-join, subquery, group-by, group-by-alias, case]
SELECT CASE WHEN e.encounter_id IS NULL THEN 'dpc only'
            WHEN d.dpc_id IS NULL THEN 'encounter only'
            ELSE 'both' END AS source,
       count(*) AS n
FROM (SELECT encounter_id FROM encounter WHERE encounter_type = 'inpatient') e
FULL OUTER JOIN dpc_admission d ON d.encounter_id = e.encounter_id
GROUP BY source
ORDER BY source

# dpc: admissions and outpatient visits per facility with FULL JOIN of two aggregates [cte, join, full-join, group-by, coalesce]
WITH inp AS (
  SELECT facility_id, count(*) AS admissions FROM dpc_admission GROUP BY facility_id
),
outp AS (
  SELECT facility_id, count(*) AS visits FROM encounter WHERE encounter_type = 'outpatient' GROUP BY facility_id
)
SELECT coalesce(inp.facility_id, outp.facility_id) AS facility_id,
       coalesce(admissions, 0) AS admissions,
       coalesce(visits, 0) AS visits
FROM inp
FULL JOIN outp ON outp.facility_id = inp.facility_id
ORDER BY facility_id

# dpc: yearly DPC stays of two facilities side by side with FULL JOIN USING [join, full-join, using-join, subquery, group-by, group-by-ordinal, coalesce, date-fn]
SELECT yr, coalesce(a.n, 0) AS h01, coalesce(b.n, 0) AS h03
FROM (SELECT year(admit_date) AS yr, count(*) AS n FROM dpc_admission WHERE facility_id = 'H01' GROUP BY 1) a
FULL JOIN (SELECT year(admit_date) AS yr, count(*) AS n FROM dpc_admission WHERE facility_id = 'H03' GROUP BY 1) b
USING (yr)
ORDER BY yr

# dpc: longest stay per facility with arg_max [group-by, arg-max]
SELECT facility_id, max(los_days) AS max_los, arg_max(main_icd10, (los_days, dpc_id)) AS icd10_of_longest
FROM dpc_admission
GROUP BY facility_id
ORDER BY facility_id

# dpc: the three longest stays per diagnosis [window, qualify, string-fn]
SELECT main_icd10, dpc_id, los_days
FROM dpc_admission
WHERE main_icd10 LIKE 'I%'
QUALIFY row_number() OVER (PARTITION BY main_icd10 ORDER BY los_days DESC, dpc_id) <= 3
ORDER BY main_icd10, los_days DESC, dpc_id

# dpc: stays rows without the DPC code and facility for a compact table [exclude, limit]
SELECT * EXCLUDE (dpc_code, facility_id)
FROM dpc_admission
WHERE discharge_outcome IN ('6', '7')
ORDER BY dpc_id
LIMIT 30

# dpc: quarterly admissions with date_trunc and quarter label [group-by, group-by-ordinal, date-fn, string-fn]
SELECT date_trunc('quarter', admit_date) AS qtr, 'Q' || quarter(admit_date) AS q_label, count(*) AS stays
FROM dpc_admission
GROUP BY 1, 2
ORDER BY 1

# dpc: stays with discharge after year end (crossing years) [group-by, group-by-alias, date-fn]
SELECT year(admit_date) AS admit_year, count(*) AS crossing_stays
FROM dpc_admission
WHERE year(discharge_date) > year(admit_date)
GROUP BY admit_year
ORDER BY admit_year

# dpc: facility ranking by mortality with ties shown [cte, group-by, window, case, math]
WITH m AS (
  SELECT facility_id, count(*) AS stays, avg(CASE WHEN discharge_outcome IN ('6', '7') THEN 1.0 ELSE 0.0 END) AS mort
  FROM dpc_admission GROUP BY facility_id
)
SELECT facility_id, stays, round(mort, 4) AS mortality,
       rank() OVER (ORDER BY round(mort, 4) DESC) AS rnk
FROM m
ORDER BY rnk, facility_id

# dpc: 7-day moving sum of admissions per facility in 2024 [cte, group-by, group-by-all, window, window-frame, interval, limit]
WITH daily AS (
  SELECT facility_id, admit_date, count(*) AS n
  FROM dpc_admission
  WHERE admit_date >= DATE '2024-10-01'
  GROUP BY ALL
)
SELECT facility_id, admit_date, n,
       sum(n) OVER (PARTITION BY facility_id ORDER BY admit_date RANGE BETWEEN INTERVAL 6 DAYS PRECEDING AND CURRENT ROW) AS n_7d
FROM daily
ORDER BY facility_id, admit_date
LIMIT 1000

# dpc: admissions with the same main diagnosis as the previous stay of the patient [subquery, window, count-if]
SELECT count(*) AS repeat_stays,
       count_if(main_icd10 = prev_icd10) AS same_diagnosis
FROM (
  SELECT main_icd10, lag(main_icd10) OVER (PARTITION BY person_id ORDER BY admit_date, dpc_id) AS prev_icd10
  FROM dpc_admission
) t
WHERE prev_icd10 IS NOT NULL

# dpc: stays per patient as list of diagnosis codes in order [group-by, having, list, limit]
SELECT person_id, list(main_icd10 ORDER BY admit_date, dpc_id) AS diagnoses, sum(los_days) AS total_los
FROM dpc_admission
GROUP BY person_id
HAVING count(*) >= 3
ORDER BY total_los DESC, person_id
LIMIT 50

# dpc: length of stay in weeks and log-transformed [group-by, group-by-alias, math]
SELECT ceil(los_days / 7) AS weeks, count(*) AS stays, round(avg(ln(los_days + 1)), 3) AS mean_log_los
FROM dpc_admission
GROUP BY weeks
ORDER BY weeks

# dpc: geometric mean length of stay by diagnosis [group-by, greatest-least, math]
SELECT main_icd10, count(*) AS stays, round(exp(avg(ln(greatest(los_days, 1)))), 2) AS geometric_mean_los
FROM dpc_admission
GROUP BY main_icd10
ORDER BY main_icd10

# dpc: sample of DPC stays with TABLESAMPLE and REPEATABLE [group-by, sample]
SELECT discharge_outcome, count(*) AS n
FROM dpc_admission TABLESAMPLE bernoulli(20%) REPEATABLE (11)
GROUP BY discharge_outcome
ORDER BY discharge_outcome

# comorbidity: Charlson comorbidity index per patient (simplified weights) [cte, group-by, group-by-alias, case, greatest-least, string-fn]
WITH flags AS (
  SELECT person_id,
         max(CASE WHEN icd10 LIKE 'I25%' THEN 1 ELSE 0 END) AS mi_chd,
         max(CASE WHEN icd10 LIKE 'I50%' THEN 1 ELSE 0 END) AS chf,
         max(CASE WHEN icd10 LIKE 'I63%' THEN 1 ELSE 0 END) AS cvd,
         max(CASE WHEN icd10 LIKE 'G30%' THEN 1 ELSE 0 END) AS dementia,
         max(CASE WHEN icd10 LIKE 'J45%' THEN 1 ELSE 0 END) AS pulmonary,
         max(CASE WHEN icd10 LIKE 'M32%' THEN 1 ELSE 0 END) AS rheumatic,
         max(CASE WHEN icd10 LIKE 'E1%' THEN 1 ELSE 0 END) AS diabetes,
         max(CASE WHEN icd10 LIKE 'N18%' THEN 2 ELSE 0 END) AS renal,
         max(CASE WHEN icd10 LIKE 'K74%' THEN 3 ELSE 0 END) AS severe_liver,
         max(CASE WHEN icd10 LIKE 'C%' THEN 2 ELSE 0 END) AS cancer
  FROM diagnosis
  GROUP BY person_id
)
SELECT least(mi_chd + chf + cvd + dementia + pulmonary + rheumatic + diabetes + renal + severe_liver + cancer, 6) AS cci,
       count(*) AS patients
FROM flags
GROUP BY cci
ORDER BY cci

# comorbidity: Charlson weights from a struct list joined by prefix [cte, join, subquery, group-by, math, string-fn, list, struct]
WITH weights AS (
  SELECT w.prefix, w.weight
  FROM (SELECT unnest([
    {'prefix': 'I25', 'weight': 1}, {'prefix': 'I50', 'weight': 1}, {'prefix': 'I63', 'weight': 1},
    {'prefix': 'G30', 'weight': 1}, {'prefix': 'J45', 'weight': 1}, {'prefix': 'E11', 'weight': 1},
    {'prefix': 'N18', 'weight': 2}, {'prefix': 'K74', 'weight': 3}, {'prefix': 'C', 'weight': 2}
  ]) AS w)
),
per_person AS (
  SELECT d.person_id, sum(DISTINCT w.weight) AS cci_approx, count(DISTINCT w.prefix) AS conditions
  FROM diagnosis d
  JOIN weights w ON starts_with(d.icd10, w.prefix)
  GROUP BY d.person_id
)
SELECT conditions, count(*) AS patients, round(avg(cci_approx), 2) AS mean_weight
FROM per_person
GROUP BY conditions
ORDER BY conditions

# comorbidity: comorbidity flags per patient as struct and counts [cte, group-by, group-by-all, order-by-all, bool-agg, string-fn, struct]
WITH f AS (
  SELECT person_id,
         struct_pack(
           htn := bool_or(icd10 = 'I10'),
           dm := bool_or(icd10 LIKE 'E11%'),
           dyslipidemia := bool_or(icd10 LIKE 'E78%')
         ) AS flags
  FROM diagnosis
  GROUP BY person_id
)
SELECT flags.htn AS htn, flags.dm AS dm, flags.dyslipidemia AS dyslipidemia, count(*) AS patients
FROM f
GROUP BY ALL
ORDER BY ALL

# comorbidity: metabolic triad co-occurrence with bool_and per patient [subquery, group-by, count-if, bool-agg, string-fn]
SELECT bool_and(has_all) AS everyone_has_all, count_if(has_all) AS with_triad, count(*) AS patients
FROM (
  SELECT person_id,
         bool_or(icd10 = 'I10') AND bool_or(icd10 LIKE 'E11%') AND bool_or(icd10 LIKE 'E78%') AS has_all
  FROM diagnosis
  GROUP BY person_id
) t

# comorbidity: pairs of chronic conditions that co-occur most often [cte, join, self-join, group-by, group-by-all, string-fn, limit]
WITH c AS (
  SELECT DISTINCT person_id, left(icd10, 3) AS code3
  FROM diagnosis
  WHERE icd10 IN ('I10', 'E11.9', 'E78.5', 'N18.3', 'I50.9', 'I48', 'M81.9', 'F32.9')
)
SELECT a.code3 AS condition_a, b.code3 AS condition_b, count(*) AS patients
FROM c a
JOIN c b ON a.person_id = b.person_id AND a.code3 < b.code3
GROUP BY ALL
ORDER BY patients DESC, condition_a, condition_b
LIMIT 20

# comorbidity: depression among diabetes patients versus others [subquery, group-by, group-by-alias, bool-agg, case, math, cast, string-fn]
SELECT CASE WHEN dm THEN 'diabetes' ELSE 'no diabetes' END AS grp,
       count(*) AS patients,
       round(100.0 * avg(dep::INTEGER), 2) AS pct_depression
FROM (
  SELECT person_id, bool_or(icd10 LIKE 'E11%') AS dm, bool_or(icd10 LIKE 'F32%') AS dep
  FROM diagnosis GROUP BY person_id
) t
GROUP BY grp
ORDER BY grp

# comorbidity: odds ratio of stroke for atrial fibrillation (2x2 table) [cte, group-by, filter, bool-agg, coalesce, math, cast, string-fn]
WITH t AS (
  SELECT person_id, bool_or(icd10 = 'I48') AS af, bool_or(icd10 LIKE 'I63%') AS stroke
  FROM diagnosis GROUP BY person_id
)
SELECT count(*) FILTER (WHERE af AND stroke) AS a,
       count(*) FILTER (WHERE af AND NOT stroke) AS b,
       count(*) FILTER (WHERE NOT af AND stroke) AS c,
       count(*) FILTER (WHERE NOT af AND NOT stroke) AS d,
       round((count(*) FILTER (WHERE af AND stroke) * count(*) FILTER (WHERE NOT af AND NOT stroke))::DOUBLE
             / nullif(count(*) FILTER (WHERE af AND NOT stroke) * count(*) FILTER (WHERE NOT af AND stroke), 0), 3) AS odds_ratio
FROM t

# comorbidity: distribution of distinct ICD chapters per patient [cte, group-by, string-fn, list]
WITH per AS (
  SELECT person_id, array_length(list_distinct(list(left(icd10, 1)))) AS n_chapters
  FROM diagnosis GROUP BY person_id
)
SELECT n_chapters, count(*) AS patients
FROM per
GROUP BY n_chapters
ORDER BY n_chapters

# comorbidity: patients with diagnoses across exactly the cardiometabolic list [cte, group-by, list]
WITH codes AS (
  SELECT person_id, list_sort(list_distinct(list(icd10))) AS codes
  FROM diagnosis GROUP BY person_id
)
SELECT codes, count(*) AS patients
FROM codes
WHERE codes = ['E11.9', 'E78.5', 'I10']
   OR codes = ['E11.9', 'I10']
   OR codes = ['E78.5', 'I10']
GROUP BY codes
ORDER BY codes

# comorbidity: main vs secondary diagnosis share by code [group-by, group-by-ordinal, filter, limit]
SELECT icd10,
       count(*) FILTER (WHERE is_main) AS as_main,
       count(*) FILTER (WHERE NOT is_main) AS as_secondary
FROM diagnosis
GROUP BY 1
ORDER BY 2 DESC, 1
LIMIT 30

# vitals: BMI categories (Japanese obesity criteria) at latest measurement [cte, group-by, group-by-alias, window, qualify, case, math]
WITH latest AS (
  SELECT person_id, weight_kg / pow(height_cm / 100, 2) AS bmi
  FROM vital_sign
  WHERE height_cm IS NOT NULL AND weight_kg IS NOT NULL
  QUALIFY row_number() OVER (PARTITION BY person_id ORDER BY measured_date DESC, vital_id DESC) = 1
)
SELECT CASE WHEN bmi < 18.5 THEN '1 underweight'
            WHEN bmi < 25 THEN '2 normal'
            WHEN bmi < 30 THEN '3 obesity 1'
            WHEN bmi < 35 THEN '4 obesity 2'
            ELSE '5 obesity 3+' END AS bmi_class,
       count(*) AS patients
FROM latest
GROUP BY bmi_class
ORDER BY bmi_class

# vitals: mean BMI by sex and age decade [join, group-by, group-by-ordinal, math, date-fn]
SELECT p.sex,
       floor(datediff('year', p.birth_date, v.measured_date) / 10) * 10 AS age_decade,
       round(avg(v.weight_kg / ((v.height_cm / 100) * (v.height_cm / 100))), 2) AS mean_bmi,
       count(*) AS n
FROM vital_sign v
JOIN patient p ON p.person_id = v.person_id
WHERE v.height_cm > 0
GROUP BY 1, 2
ORDER BY 1, 2

# vitals: blood pressure control among hypertension patients by year [subquery, in-subquery, group-by, group-by-alias, filter, math, date-fn]
SELECT year(v.measured_date) AS yr,
       count(*) AS measurements,
       count(*) FILTER (WHERE v.systolic_bp < 140 AND v.diastolic_bp < 90) AS controlled,
       round(100.0 * count(*) FILTER (WHERE v.systolic_bp < 140 AND v.diastolic_bp < 90) / count(*), 1) AS pct_controlled
FROM vital_sign v
WHERE v.person_id IN (SELECT person_id FROM diagnosis WHERE icd10 = 'I10')
GROUP BY yr
ORDER BY yr

# vitals: hypertension grade (JSH 2019) of each measurement [group-by, group-by-alias, case]
SELECT CASE
         WHEN systolic_bp >= 180 OR diastolic_bp >= 110 THEN '4 grade III'
         WHEN systolic_bp >= 160 OR diastolic_bp >= 100 THEN '3 grade II'
         WHEN systolic_bp >= 140 OR diastolic_bp >= 90 THEN '2 grade I'
         ELSE '1 below 140/90'
       END AS bp_grade,
       count(*) AS n
FROM vital_sign
GROUP BY bp_grade
ORDER BY bp_grade

# vitals: pulse pressure and mean arterial pressure summary [stats, math]
SELECT round(avg(systolic_bp - diastolic_bp), 1) AS mean_pulse_pressure,
       round(avg(diastolic_bp + (systolic_bp - diastolic_bp) / 3.0), 1) AS mean_map,
       round(stddev_samp(systolic_bp), 2) AS sd_sbp
FROM vital_sign

# vitals: correlation of weight and systolic pressure [stats, math]
SELECT count(*) AS n,
       round(corr(weight_kg, systolic_bp), 4) AS r,
       round(regr_slope(systolic_bp, weight_kg), 4) AS mmhg_per_kg,
       round(regr_intercept(systolic_bp, weight_kg), 2) AS intercept,
       round(regr_r2(systolic_bp, weight_kg), 4) AS r2
FROM vital_sign
WHERE weight_kg IS NOT NULL

# vitals: weight change over follow-up per patient [subquery, group-by, having, window, window-frame, math, limit]
SELECT person_id,
       min(measured_date) AS first_date,
       max(measured_date) AS last_date,
       round(max(last_w) - max(first_w), 1) AS weight_change
FROM (
  SELECT person_id, measured_date,
         first_value(weight_kg) OVER w AS first_w,
         last_value(weight_kg) OVER w AS last_w
  FROM vital_sign
  WINDOW w AS (PARTITION BY person_id ORDER BY measured_date, vital_id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
) t
GROUP BY person_id
HAVING count(*) >= 4
ORDER BY weight_change DESC, person_id
LIMIT 100

# vitals: smoothed systolic pressure over the previous two measurements [subquery, in-subquery, window, window-frame, math, limit]
SELECT person_id, measured_date, systolic_bp,
       round(avg(systolic_bp) OVER (PARTITION BY person_id ORDER BY measured_date, vital_id ROWS BETWEEN 2 PRECEDING AND CURRENT ROW), 1) AS sbp_ma3
FROM vital_sign
WHERE person_id IN (SELECT person_id FROM diagnosis WHERE icd10 = 'I10' ORDER BY person_id LIMIT 30)
ORDER BY person_id, measured_date, vital_id

# vitals: missing height by facility [join, group-by, count-if, math]
SELECT e.facility_id,
       count(*) AS measurements,
       count_if(v.height_cm IS NULL) AS missing_height,
       round(100.0 * count_if(v.height_cm IS NULL) / count(*), 1) AS pct_missing
FROM vital_sign v
JOIN encounter e ON e.encounter_id = v.encounter_id
GROUP BY e.facility_id
ORDER BY e.facility_id

# vitals: height filled from the patient's other measurements [join, left-join, using-join, subquery, group-by, stats, coalesce]
SELECT count(*) AS rows_total,
       count(v.height_cm) AS with_height,
       count(coalesce(v.height_cm, h.median_height)) AS after_fill
FROM vital_sign v
LEFT JOIN (
  SELECT person_id, median(height_cm) AS median_height FROM vital_sign GROUP BY person_id
) h USING (person_id)

# vitals: implausible values screen with greatest and least [count-if, greatest-least]
SELECT count(*) AS n,
       count_if(greatest(systolic_bp, diastolic_bp) > 250) AS too_high,
       count_if(least(systolic_bp, diastolic_bp) < 30) AS too_low,
       count_if(diastolic_bp >= systolic_bp) AS inverted
FROM vital_sign

# vitals: vital sign rows with BMI added and heights rounded [math, replace, limit]
SELECT * REPLACE (round(height_cm) AS height_cm),
       round(weight_kg / pow(height_cm / 100, 2), 1) AS bmi
FROM vital_sign
WHERE height_cm IS NOT NULL
ORDER BY vital_id
LIMIT 40

# vitals: measurement count per patient distribution [subquery, group-by, group-by-ordinal]
SELECT n_measurements, count(*) AS patients
FROM (SELECT person_id, count(*) AS n_measurements FROM vital_sign GROUP BY person_id) t
GROUP BY 1
ORDER BY 1

# vitals: weight quartiles by sex with quantile list [join, using-join, group-by, stats, list]
SELECT p.sex, quantile_cont(v.weight_kg, [0.25, 0.5, 0.75]) AS weight_quartiles
FROM vital_sign v
JOIN patient p USING (person_id)
GROUP BY p.sex
ORDER BY p.sex

# vitals: first BMI after diabetes diagnosis [cte, join, subquery, group-by, window, qualify, math, date-arith, string-fn]
WITH dm AS (
  SELECT person_id, min(diagnosis_date) AS t0 FROM diagnosis WHERE icd10 LIKE 'E11%' GROUP BY person_id
)
SELECT round(avg(bmi), 2) AS mean_bmi, count(*) AS n, round(avg(days_after), 1) AS mean_days_after
FROM (
  SELECT v.person_id, v.weight_kg / pow(v.height_cm / 100, 2) AS bmi, v.measured_date - dm.t0 AS days_after
  FROM vital_sign v
  JOIN dm ON dm.person_id = v.person_id AND v.measured_date >= dm.t0
  WHERE v.height_cm IS NOT NULL
  QUALIFY row_number() OVER (PARTITION BY v.person_id ORDER BY v.measured_date, v.vital_id) = 1
) t

# allergy: allergen frequency with severity breakdown [subquery, pivot]
SELECT *
FROM (SELECT allergen_name, severity FROM allergy)
PIVOT (count(*) FOR severity IN ('軽度', '中等度', '重度'))
ORDER BY allergen_name

# allergy: severe drug allergies by allergen code [group-by, group-by-all, order-by-all]
SELECT allergen_code, allergen_name, count(*) AS n
FROM allergy
WHERE severity = '重度' AND allergen_code IN ('A001', 'A002', 'A003', 'A004')
GROUP BY ALL
ORDER BY ALL

# allergy: penicillin-allergic patients who received a penicillin-class drug (safety signal) [subquery, exists, filter, string-fn]
SELECT count(DISTINCT a.person_id) AS allergic_patients,
       count(DISTINCT a.person_id) FILTER (WHERE EXISTS (
         SELECT 1 FROM medication m
         WHERE m.person_id = a.person_id AND m.drug_name LIKE 'アモキシシリン%' AND m.order_date >= a.recorded_date
       )) AS exposed_after_record
FROM allergy a
WHERE a.allergen_code = 'A001'

# allergy: contrast media allergy among patients with inpatient stays [subquery, in-subquery, group-by]
SELECT severity, count(*) AS n
FROM allergy
WHERE allergen_code = 'A004'
  AND person_id IN (SELECT person_id FROM encounter WHERE encounter_type = 'inpatient')
GROUP BY severity
ORDER BY severity

# allergy: food versus drug allergy classification [group-by, group-by-alias, case]
SELECT CASE WHEN allergen_code IN ('A001', 'A002', 'A003', 'A004') THEN 'drug'
            WHEN allergen_code IN ('A005', 'A006', 'A007', 'A008', 'A009', 'A010') THEN 'food'
            ELSE 'environmental' END AS allergy_class,
       count(*) AS records, count(DISTINCT person_id) AS patients
FROM allergy
GROUP BY allergy_class
ORDER BY allergy_class

# allergy: allergies per patient as an ordered list of names [group-by, having, list, limit]
SELECT person_id, string_agg(allergen_name, '、' ORDER BY allergen_code) AS allergens, count(*) AS n
FROM allergy
GROUP BY person_id
HAVING count(*) >= 1
ORDER BY n DESC, person_id
LIMIT 50

# allergy: age at recording of food allergies [join, using-join, group-by, math, date-fn]
SELECT a.allergen_name,
       count(*) AS n,
       round(avg(date_part('year', age(a.recorded_date, p.birth_date))), 1) AS mean_age_years
FROM allergy a
JOIN patient p USING (person_id)
WHERE a.allergen_code BETWEEN 'A005' AND 'A010'
GROUP BY a.allergen_name
ORDER BY a.allergen_name

# allergy: allergy records by year and month name [group-by, group-by-all, date-fn]
SELECT year(recorded_date) AS yr, monthname(recorded_date) AS month_name, month(recorded_date) AS m, count(*) AS n
FROM allergy
WHERE recorded_date >= DATE '2024-01-01'
GROUP BY ALL
ORDER BY yr, m

# allergy: most severe allergy per patient with arg_max over severity rank [subquery, group-by, arg-max, case]
SELECT allergen_name, count(*) AS patients
FROM (
  SELECT person_id,
         arg_max(allergen_name, (CASE severity WHEN '重度' THEN 3 WHEN '中等度' THEN 2 ELSE 1 END, allergy_id)) AS allergen_name
  FROM allergy
  GROUP BY person_id
) t
GROUP BY allergen_name
ORDER BY patients DESC, allergen_name

# allergy: patients with allergy but no encounter after recording [join, subquery, except]
SELECT count(*) AS n
FROM (
  SELECT person_id FROM allergy
  EXCEPT
  SELECT a.person_id FROM allergy a JOIN encounter e ON e.person_id = a.person_id AND e.admit_date > a.recorded_date
) t

# notes: clinical note counts by note type and department (no text) [join, group-by, limit]
SELECT n.note_type, e.department, count(*) AS notes
FROM clinical_note n
JOIN encounter e ON e.encounter_id = n.encounter_id
GROUP BY n.note_type, e.department
ORDER BY n.note_type, notes DESC, e.department
LIMIT 100

# notes: share of inpatient stays with a discharge summary [subquery, exists, group-by, group-by-alias, filter, date-fn]
SELECT year(e.admit_date) AS yr,
       count(*) AS stays,
       count(*) FILTER (WHERE EXISTS (
         SELECT 1 FROM clinical_note n WHERE n.encounter_id = e.encounter_id AND n.note_type = '退院サマリ'
       )) AS with_summary
FROM encounter e
WHERE e.encounter_type = 'inpatient'
GROUP BY yr
ORDER BY yr

# notes: referral letters with their encounter, encounter columns minus identifiers [join, exclude, limit]
SELECT n.note_id, n.note_date, e.* EXCLUDE (person_id, encounter_id)
FROM clinical_note n
JOIN encounter e ON e.encounter_id = n.encounter_id
WHERE n.note_type = '紹介状'
ORDER BY n.note_id
LIMIT 25

# utilization: outpatient visits per patient per year [group-by, group-by-alias, math, date-fn]
SELECT datepart('year', admit_date) AS yr,
       count(*) AS visits,
       count(DISTINCT person_id) AS patients,
       round(count(*) / count(DISTINCT person_id), 2) AS visits_per_patient
FROM encounter
WHERE encounter_type = 'outpatient'
GROUP BY yr
ORDER BY yr

# utilization: department workload by weekday name [cte, date-fn, pivot]
WITH v AS (
  SELECT department, dayname(admit_date) AS weekday FROM encounter WHERE encounter_type = 'outpatient'
)
SELECT *
FROM v
PIVOT (count(*) FOR weekday IN ('Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'))
ORDER BY department

# utilization: internal medicine departments with ends_with and contains [group-by, group-by-all, order-by-all, string-fn]
SELECT department,
       ends_with(department, '内科') AS is_internal_medicine,
       contains(department, '外科') AS is_surgical,
       count(*) AS encounters
FROM encounter
GROUP BY ALL
ORDER BY ALL

# utilization: department name length and prefix grouping [group-by, group-by-all, order-by-all, string-fn]
SELECT strlen(department) AS bytes, length(department) AS chars, prefix(department, '循環') AS cardio, count(*) AS n
FROM encounter
GROUP BY ALL
ORDER BY ALL

# utilization: surgical departments with suffix() [group-by, string-fn]
SELECT department, count(DISTINCT person_id) AS patients
FROM encounter
WHERE suffix(department, '外科')
GROUP BY department
ORDER BY department

# utilization: encounter types matched case-insensitively with ILIKE [group-by, string-fn]
SELECT encounter_type, count(*) AS n
FROM encounter
WHERE encounter_type ILIKE 'IN%' OR encounter_type ILIKE '%EMERG%'
GROUP BY encounter_type
ORDER BY encounter_type

# utilization: facility number from the facility identifier [group-by, group-by-all, cast, string-fn]
SELECT right(facility_id, 2)::INTEGER AS facility_no, facility_id, count(*) AS encounters
FROM encounter
GROUP BY ALL
ORDER BY facility_no

# utilization: facility code split with split_part and trimmed department [group-by, group-by-all, order-by-all, string-fn]
SELECT split_part(facility_id, 'H', 2) AS facility_num, trim(department) AS dept, count(*) AS n
FROM encounter
WHERE department IN ('眼科', '皮膚科')
GROUP BY ALL
ORDER BY ALL

# utilization: visit dates parsed from year-month strings with strptime [cte, join, left-join, subquery, group-by, cast, date-fn, list]
WITH months AS (
  SELECT strptime(ym, '%Y-%m')::DATE AS month_start
  FROM (SELECT unnest(['2024-01', '2024-02', '2024-03', '2024-04', '2024-05', '2024-06']) AS ym)
)
SELECT m.month_start, count(e.encounter_id) AS encounters
FROM months m
LEFT JOIN encounter e ON date_trunc('month', e.admit_date) = m.month_start
GROUP BY m.month_start
ORDER BY m.month_start

# utilization: patients seen at several facilities in the same month (doctor shopping) [group-by, group-by-ordinal, having, date-fn, limit]
SELECT date_trunc('month', admit_date) AS month, person_id, count(DISTINCT facility_id) AS facilities
FROM encounter
GROUP BY 1, 2
HAVING count(DISTINCT facility_id) >= 2
ORDER BY facilities DESC, month, person_id
LIMIT 100

# utilization: continuity of care index (share of visits at usual facility) [cte, subquery, group-by, having, arg-max, math]
WITH per AS (
  SELECT person_id, facility_id, count(*) AS n FROM encounter GROUP BY person_id, facility_id
)
SELECT round(avg(usual_share), 3) AS mean_usual_provider_continuity, count(*) AS patients
FROM (
  SELECT person_id, arg_max(facility_id, (n, facility_id)) AS usual_facility, max(n) / sum(n) AS usual_share
  FROM per
  GROUP BY person_id
  HAVING sum(n) >= 3
) t

# utilization: first and last department seen per patient with arg_min [group-by, arg-max, limit]
SELECT arg_min(department, (admit_date, encounter_id)) AS first_department,
       arg_max(department, (admit_date, encounter_id)) AS last_department,
       person_id
FROM encounter
GROUP BY person_id
ORDER BY person_id
LIMIT 100

# utilization: second page of busiest days [group-by, limit, offset]
SELECT admit_date, count(*) AS encounters
FROM encounter
GROUP BY admit_date
ORDER BY encounters DESC, admit_date
LIMIT 10 OFFSET 10

# utilization: encounters for a page of patients in id order [subquery, in-subquery, group-by, limit, offset]
SELECT person_id, count(*) AS encounters, min(admit_date) AS first_visit
FROM encounter
WHERE person_id IN (SELECT person_id FROM patient ORDER BY person_id LIMIT 100 OFFSET 200)
GROUP BY person_id
ORDER BY person_id

# utilization: third page of departments by patient count [group-by, limit, offset]
SELECT department, count(DISTINCT person_id) AS patients
FROM encounter
GROUP BY department
ORDER BY patients DESC, department
LIMIT 5 OFFSET 10

# utilization: the typical encounter type per facility with mode [group-by, stats]
SELECT facility_id, mode(encounter_type) AS typical_type, count(*) AS n
FROM encounter
GROUP BY facility_id
ORDER BY facility_id

# utilization: distinct patients per department approximated [group-by, stats]
SELECT department, approx_count_distinct(person_id) AS approx_patients
FROM encounter
GROUP BY department
ORDER BY department

# utilization: first visit per patient with DISTINCT ON and its department [distinct-on, limit]
SELECT DISTINCT ON (person_id) person_id, admit_date AS first_visit, department, facility_id
FROM encounter
ORDER BY person_id, admit_date, encounter_id
LIMIT 200

# utilization: last inpatient stay per patient with DISTINCT ON [subquery, group-by, distinct-on, math, date-arith]
SELECT department, count(*) AS patients, round(avg(los), 2) AS mean_los
FROM (
  SELECT DISTINCT ON (person_id) person_id, department, discharge_date - admit_date AS los
  FROM encounter
  WHERE encounter_type = 'inpatient'
  ORDER BY person_id, admit_date DESC, encounter_id DESC
) t
GROUP BY department
ORDER BY department

# utilization: latest HbA1c per patient with DISTINCT ON [subquery, distinct-on, math]
SELECT round(avg(value), 3) AS mean_latest_hba1c, count(*) AS patients
FROM (
  SELECT DISTINCT ON (person_id) person_id, value
  FROM lab_result
  WHERE lab_code = '3D046'
  ORDER BY person_id, sampled_date DESC, lab_id DESC
) t

# utilization: patients seen in both 2023 and 2024 [subquery, intersect, date-fn]
SELECT count(*) AS retained
FROM (
  SELECT person_id FROM encounter WHERE year(admit_date) = 2023
  INTERSECT
  SELECT person_id FROM encounter WHERE year(admit_date) = 2024
) t

# utilization: patients seen in 2023 but not in 2024 (lost to follow-up) [join, using-join, subquery, except, group-by, date-fn]
SELECT p.sex, count(*) AS lost
FROM (
  SELECT person_id FROM encounter WHERE year(admit_date) = 2023
  EXCEPT
  SELECT person_id FROM encounter WHERE year(admit_date) = 2024
) t
JOIN patient p USING (person_id)
GROUP BY p.sex
ORDER BY p.sex

# utilization: diabetes patients who are also on both lab and medication tables [subquery, intersect, string-fn]
SELECT count(*) AS n
FROM (
  SELECT person_id FROM diagnosis WHERE icd10 LIKE 'E11%'
  INTERSECT
  SELECT person_id FROM lab_result WHERE lab_code = '3D046'
  INTERSECT
  SELECT person_id FROM medication WHERE drug_code LIKE '396%'
) t

# utilization: all persons appearing in any clinical table, by source [subquery, union, group-by]
SELECT source, count(DISTINCT person_id) AS persons
FROM (
  SELECT 'diagnosis' AS source, person_id FROM diagnosis
  UNION ALL
  SELECT 'medication', person_id FROM medication
  UNION ALL
  SELECT 'lab_result', person_id FROM lab_result
  UNION ALL
  SELECT 'vital_sign', person_id FROM vital_sign
) t
GROUP BY source
ORDER BY source

# utilization: event timeline of one patient across tables [cte, subquery, union]
WITH one AS (SELECT min(person_id) AS person_id FROM dpc_admission)
SELECT event_date, event, detail
FROM (
  SELECT admit_date AS event_date, 'encounter' AS event, encounter_type AS detail FROM encounter WHERE person_id = (SELECT person_id FROM one)
  UNION
  SELECT diagnosis_date, 'diagnosis', icd10 FROM diagnosis WHERE person_id = (SELECT person_id FROM one)
  UNION
  SELECT order_date, 'medication', drug_code FROM medication WHERE person_id = (SELECT person_id FROM one)
) t
ORDER BY event_date, event, detail

# utilization: distinct persons with any cardiovascular or renal condition [subquery, union, string-fn]
SELECT count(*) AS persons
FROM (
  SELECT person_id FROM diagnosis WHERE icd10 LIKE 'I%'
  UNION
  SELECT person_id FROM diagnosis WHERE icd10 LIKE 'N18%'
  UNION
  SELECT person_id FROM dpc_admission WHERE main_icd10 LIKE 'I%'
) t

# utilization: inpatient encounters without a DPC record [subquery, except]
SELECT count(*) AS missing_dpc
FROM (
  SELECT encounter_id FROM encounter WHERE encounter_type = 'inpatient'
  EXCEPT
  SELECT encounter_id FROM dpc_admission
) t

# utilization: annual totals per table in one result [union, group-by, group-by-ordinal, date-fn]
SELECT 'encounter' AS table_name, year(admit_date) AS yr, count(*) AS n FROM encounter GROUP BY 2
UNION ALL
SELECT 'lab_result', year(sampled_date), count(*) FROM lab_result GROUP BY 2
UNION ALL
SELECT 'medication', year(order_date), count(*) FROM medication GROUP BY 2
ORDER BY table_name, yr

# utilization: encounters and visits summary with ifnull for missing discharge [group-by, coalesce, math, date-arith]
SELECT encounter_type,
       count(*) AS n,
       round(avg(ifnull(discharge_date, admit_date) - admit_date), 2) AS mean_days
FROM encounter
GROUP BY encounter_type
ORDER BY encounter_type

# utilization: max of every blood pressure column with COLUMNS [columns]
SELECT max(COLUMNS('.*_bp')), min(COLUMNS('.*_bp'))
FROM vital_sign

# utilization: averages of all numeric vital columns by year with COLUMNS [group-by, group-by-alias, math, date-fn, list, columns]
SELECT year(measured_date) AS yr, round(avg(COLUMNS(['height_cm', 'weight_kg', 'systolic_bp', 'diastolic_bp'])), 1)
FROM vital_sign
GROUP BY yr
ORDER BY yr

# utilization: count of non-null values of every date column of encounter [columns]
SELECT count(COLUMNS('.*_date'))
FROM encounter

# utilization: facility shares with struct output [group-by, filter, struct]
SELECT facility_id,
       {'outpatient': count(*) FILTER (WHERE encounter_type = 'outpatient'),
        'inpatient': count(*) FILTER (WHERE encounter_type = 'inpatient'),
        'emergency': count(*) FILTER (WHERE encounter_type = 'emergency')} AS visits
FROM encounter
GROUP BY facility_id
ORDER BY facility_id

# utilization: struct of summary statistics per department then field access [cte, group-by, list, struct]
WITH s AS (
  SELECT department,
         struct_pack(n := count(*), patients := count(DISTINCT person_id), first := min(admit_date)) AS summary
  FROM encounter
  GROUP BY department
)
SELECT department, summary.n AS n, summary.patients AS patients, summary['first'] AS first_visit
FROM s
ORDER BY summary.n DESC, department

# utilization: encounters sampled with reservoir sampling of patients [cte, subquery, in-subquery, group-by, sample]
WITH s AS (SELECT person_id FROM patient USING SAMPLE 500 ROWS (reservoir, 123))
SELECT e.encounter_type, count(*) AS n
FROM encounter e
WHERE e.person_id IN (SELECT person_id FROM s)
GROUP BY e.encounter_type
ORDER BY e.encounter_type

# utilization: sampled allergy records with REPEATABLE [group-by, sample]
SELECT severity, count(*) AS n
FROM allergy TABLESAMPLE bernoulli(30%) REPEATABLE (5)
GROUP BY severity
ORDER BY severity

# utilization: encounter counts per type in wide form unpivoted to long [cte, group-by, filter, unpivot]
WITH wide AS (
  SELECT department,
         count(*) FILTER (WHERE encounter_type = 'outpatient') AS outpatient,
         count(*) FILTER (WHERE encounter_type = 'inpatient') AS inpatient,
         count(*) FILTER (WHERE encounter_type = 'emergency') AS emergency
  FROM encounter
  GROUP BY department
)
SELECT *
FROM wide
UNPIVOT (n FOR encounter_type IN (outpatient, inpatient, emergency))
ORDER BY department, encounter_type

# utilization: vital sign columns in long format with UNPIVOT for plotting [subquery, cast, unpivot]
SELECT person_id, measured_date, measure, value
FROM (
  SELECT person_id, measured_date, systolic_bp::DOUBLE AS systolic_bp, diastolic_bp::DOUBLE AS diastolic_bp, weight_kg
  FROM vital_sign
  WHERE person_id = (SELECT min(person_id) FROM vital_sign)
)
UNPIVOT (value FOR measure IN (systolic_bp, diastolic_bp, weight_kg))
ORDER BY measured_date, measure

# utilization: encounter rows with type upper-cased and admit date formatted [date-fn, string-fn, replace, limit]
SELECT * REPLACE (upper(encounter_type) AS encounter_type, strftime(admit_date, '%Y/%m/%d') AS admit_date)
FROM encounter
WHERE discharge_date IS NOT NULL
ORDER BY encounter_id
LIMIT 20

# utilization: registration rows without facility with a derived year [date-fn, exclude, limit]
SELECT * EXCLUDE (facility_id), year(first_seen) AS first_year
FROM registration
ORDER BY person_id, first_seen
LIMIT 30

# utilization: encounter rows minus the date columns [exclude, limit]
SELECT * EXCLUDE (admit_date, discharge_date)
FROM encounter
WHERE encounter_type = 'emergency'
ORDER BY encounter_id
LIMIT 30

# utilization: self-join to find patients with an outpatient visit within 14 days after discharge [join, left-join, self-join, filter, date-arith]
SELECT count(DISTINCT i.encounter_id) AS discharges,
       count(DISTINCT i.encounter_id) FILTER (WHERE o.encounter_id IS NOT NULL) AS followed_up_14d
FROM encounter i
LEFT JOIN encounter o
  ON o.person_id = i.person_id
 AND o.encounter_type = 'outpatient'
 AND o.admit_date BETWEEN i.discharge_date AND i.discharge_date + 14
WHERE i.encounter_type = 'inpatient'

# utilization: registrations of the same patient at two facilities compared (self-join) [join, self-join, group-by, group-by-all, limit]
SELECT a.facility_id AS facility_a, b.facility_id AS facility_b, count(*) AS shared_patients
FROM registration a
JOIN registration b ON a.person_id = b.person_id AND a.facility_id < b.facility_id
GROUP BY ALL
ORDER BY shared_patients DESC, facility_a, facility_b
LIMIT 25

# utilization: log-scaled encounter counts per patient [subquery, group-by, group-by-ordinal, math]
SELECT round(log(n), 1) AS log10_visits, count(*) AS patients
FROM (SELECT person_id, count(*) AS n FROM encounter GROUP BY person_id) t
GROUP BY 1
ORDER BY 1

# utilization: standard error of mean visits per patient by sex [join, using-join, subquery, group-by, stats, math]
SELECT p.sex,
       round(avg(t.n), 3) AS mean_visits,
       round(stddev_samp(t.n) / sqrt(count(*)), 4) AS se
FROM (SELECT person_id, count(*) AS n FROM encounter GROUP BY person_id) t
JOIN patient p USING (person_id)
GROUP BY p.sex
ORDER BY p.sex

# utilization: encounters by ISO year-week of 2024 [group-by, group-by-alias, date-fn]
SELECT yearweek(admit_date) AS yw, count(*) AS n
FROM encounter
WHERE admit_date BETWEEN DATE '2024-01-01' AND DATE '2024-03-31'
GROUP BY yw
ORDER BY yw

# utilization: day of month distribution for admissions [group-by, group-by-alias, date-fn]
SELECT day(admit_date) AS dom, count(*) AS admissions
FROM encounter
WHERE encounter_type = 'inpatient'
GROUP BY dom
ORDER BY dom

# pre-post: mean HbA1c in the 180 days before and after metformin start [cte, join, group-by, filter, math, interval, date-arith, string-fn]
WITH start AS (
  SELECT person_id, min(order_date) AS t0 FROM medication WHERE drug_name LIKE 'メトホルミン%' GROUP BY person_id
)
SELECT round(avg(l.value) FILTER (WHERE l.sampled_date BETWEEN s.t0 - INTERVAL 180 DAY AND s.t0 - INTERVAL 1 DAY), 3) AS mean_before,
       round(avg(l.value) FILTER (WHERE l.sampled_date BETWEEN s.t0 AND s.t0 + INTERVAL 180 DAY), 3) AS mean_after,
       count(DISTINCT l.person_id) AS patients
FROM start s
JOIN lab_result l ON l.person_id = s.person_id AND l.lab_code = '3D046'

# pre-post: paired change in LDL after statin start per patient [cte, join, group-by, filter, stats, math, interval, date-arith, string-fn]
WITH start AS (
  SELECT person_id, min(order_date) AS t0 FROM medication WHERE drug_code LIKE '2189%' GROUP BY person_id
),
paired AS (
  SELECT s.person_id,
         avg(l.value) FILTER (WHERE l.sampled_date < s.t0) AS before,
         avg(l.value) FILTER (WHERE l.sampled_date > s.t0 + INTERVAL '30' DAY) AS after
  FROM start s
  JOIN lab_result l ON l.person_id = s.person_id AND l.lab_code = '3F077'
  GROUP BY s.person_id
)
SELECT count(*) AS patients,
       round(avg(after - before), 2) AS mean_change,
       round(stddev_samp(after - before), 2) AS sd_change
FROM paired
WHERE before IS NOT NULL AND after IS NOT NULL

# interrupted time series: monthly admissions before and after April 2020 [group-by, group-by-all, order-by-all, case, date-fn]
SELECT date_trunc('month', admit_date) AS month,
       CASE WHEN admit_date >= DATE '2020-04-01' THEN 1 ELSE 0 END AS post,
       count(*) AS admissions
FROM encounter
WHERE encounter_type = 'inpatient' AND admit_date BETWEEN DATE '2018-01-01' AND DATE '2021-12-31'
GROUP BY ALL
ORDER BY ALL

# interrupted time series: segmented trend slopes before and after 2020 [cte, group-by, group-by-ordinal, window, stats, math, date-fn]
WITH m AS (
  SELECT date_trunc('month', admit_date) AS month, count(*) AS n
  FROM encounter
  WHERE encounter_type = 'outpatient'
  GROUP BY 1
),
t AS (
  SELECT month, n, row_number() OVER (ORDER BY month) AS time_index, month >= DATE '2020-04-01' AS post
  FROM m
)
SELECT post,
       count(*) AS months,
       round(regr_slope(n, time_index), 3) AS slope,
       round(regr_intercept(n, time_index), 2) AS intercept,
       round(regr_r2(n, time_index), 3) AS r2
FROM t
GROUP BY post
ORDER BY post

# standardization: direct age standardization of diabetes prevalence by prefecture [cte, join, using-join, subquery, in-subquery, group-by, group-by-all, case, math, cast, date-fn, string-fn]
WITH std_pop(age_group, weight) AS (
  VALUES ('0-39', 0.45), ('40-64', 0.33), ('65+', 0.22)
),
pp AS (
  SELECT p.prefecture,
         CASE WHEN datediff('year', p.birth_date, DATE '2024-12-31') < 40 THEN '0-39'
              WHEN datediff('year', p.birth_date, DATE '2024-12-31') < 65 THEN '40-64'
              ELSE '65+' END AS age_group,
         p.person_id IN (SELECT person_id FROM diagnosis WHERE icd10 LIKE 'E11%') AS dm
  FROM patient p
),
rates AS (
  SELECT prefecture, age_group, avg(dm::INTEGER) AS rate, count(*) AS n FROM pp GROUP BY ALL
)
SELECT r.prefecture, round(100 * sum(r.rate * s.weight), 2) AS age_standardized_pct, sum(r.n) AS n
FROM rates r
JOIN std_pop s USING (age_group)
GROUP BY r.prefecture
ORDER BY r.prefecture

# standardization: crude and age-specific stroke rates by sex [subquery, in-subquery, group-by, group-by-all, order-by-all, count-if, case, math, date-fn, string-fn]
SELECT p.sex,
       CASE WHEN datediff('year', p.birth_date, DATE '2024-12-31') >= 65 THEN '65+' ELSE '<65' END AS age_group,
       count(*) AS n,
       round(1000.0 * count_if(p.person_id IN (SELECT person_id FROM diagnosis WHERE icd10 LIKE 'I63%')) / count(*), 2) AS per_1000
FROM patient p
GROUP BY ALL
ORDER BY ALL

# matching: exact matching of diabetes cases to controls on sex and birth year [cte, join, subquery, in-subquery, group-by, window, date-fn, string-fn]
WITH cases AS (
  SELECT p.person_id, p.sex, year(p.birth_date) AS birth_year,
         row_number() OVER (PARTITION BY p.sex, year(p.birth_date) ORDER BY p.person_id) AS k
  FROM patient p
  WHERE p.person_id IN (SELECT person_id FROM diagnosis WHERE icd10 LIKE 'E11%')
),
controls AS (
  SELECT p.person_id, p.sex, year(p.birth_date) AS birth_year,
         row_number() OVER (PARTITION BY p.sex, year(p.birth_date) ORDER BY p.person_id) AS k
  FROM patient p
  WHERE p.person_id NOT IN (SELECT person_id FROM diagnosis WHERE icd10 LIKE 'E1%')
)
SELECT c.sex, count(*) AS matched_pairs
FROM cases c
JOIN controls k ON k.sex = c.sex AND k.birth_year = c.birth_year AND k.k = c.k
GROUP BY c.sex
ORDER BY c.sex

# matching: strata sizes for stratified analysis by sex, age decade and facility count [join, using-join, subquery, group-by, group-by-alias, greatest-least, date-fn]
SELECT p.sex,
       (datediff('year', p.birth_date, DATE '2024-12-31') // 10) * 10 AS age_decade,
       least(r.n_fac, 3) AS facilities,
       count(*) AS n
FROM patient p
JOIN (SELECT person_id, count(*) AS n_fac FROM registration GROUP BY person_id) r USING (person_id)
GROUP BY p.sex, age_decade, facilities
ORDER BY p.sex, age_decade, facilities

# quality: null counts per column of encounter [filter]
SELECT count(*) AS rows_total,
       count(*) FILTER (WHERE discharge_date IS NULL) AS null_discharge,
       count(*) FILTER (WHERE department IS NULL) AS null_department,
       count(*) FILTER (WHERE discharge_date < admit_date) AS discharge_before_admit
FROM encounter

# quality: diagnosis dates outside the encounter period [join, count-if]
SELECT count(*) AS diagnoses, count_if(d.diagnosis_date <> e.admit_date) AS date_mismatch
FROM diagnosis d
JOIN encounter e ON e.encounter_id = d.encounter_id

# quality: duplicate lab results (same person, code, date, value) [group-by, group-by-all, having, limit]
SELECT person_id, lab_code, sampled_date, value, count(*) AS copies
FROM lab_result
GROUP BY ALL
HAVING count(*) > 1
ORDER BY copies DESC, person_id, lab_code, sampled_date, value
LIMIT 100

# quality: events before birth or after the extract end [join, using-join, union]
SELECT 'encounter before birth' AS check_name, count(*) AS n
FROM encounter e JOIN patient p USING (person_id) WHERE e.admit_date < p.birth_date
UNION ALL
SELECT 'lab after 2024', count(*) FROM lab_result WHERE sampled_date > DATE '2024-12-31'
UNION ALL
SELECT 'medication with zero days', count(*) FROM medication WHERE days <= 0
ORDER BY check_name

# quality: lab values beyond 4 standard deviations of their test [subquery, group-by, window, stats, math]
SELECT lab_code, count(*) AS outliers
FROM (
  SELECT lab_code, value,
         avg(value) OVER (PARTITION BY lab_code) AS mu,
         stddev_pop(value) OVER (PARTITION BY lab_code) AS sigma
  FROM lab_result
) t
WHERE abs(value - mu) > 4 * sigma
GROUP BY lab_code
ORDER BY lab_code

# quality: pseudonymous ID format check with regexp [group-by, group-by-alias, string-fn, regexp]
SELECT regexp_full_match(person_id, 'P[0-9A-F]{16}') AS well_formed, count(*) AS n
FROM patient
GROUP BY well_formed
ORDER BY well_formed

# quality: ICD-10 code format check [group-by, group-by-alias, string-fn, regexp]
SELECT regexp_matches(icd10, '^[A-Z][0-9]{2}(\.[0-9A-Z]{1,2})?$') AS valid_format, count(*) AS n
FROM diagnosis
GROUP BY valid_format
ORDER BY valid_format

# quality: ICD-10 codes with the dot removed and padded for matching [group-by, group-by-alias, string-fn, regexp]
SELECT rpad(regexp_replace(icd10, '\.', ''), 5, 'X') AS icd_compact, count(*) AS n
FROM diagnosis
WHERE icd10 LIKE 'E%'
GROUP BY icd_compact
ORDER BY icd_compact

# quality: DPC main ICD-10 coded also as diagnosis of the person [subquery, exists, filter]
SELECT count(*) AS stays,
       count(*) FILTER (WHERE EXISTS (SELECT 1 FROM diagnosis x WHERE x.person_id = d.person_id AND x.icd10 = d.main_icd10)) AS consistent
FROM dpc_admission d

# quality: persons in registration but not in patient [subquery, except]
SELECT count(*) AS orphans
FROM (
  SELECT person_id FROM registration
  EXCEPT
  SELECT person_id FROM patient
) t

# quality: first seen date equals earliest encounter at the facility [join, subquery, group-by, group-by-all, order-by-all, count-if]
SELECT r.facility_id, count(*) AS registrations, count_if(r.first_seen = e.first_enc) AS consistent
FROM registration r
JOIN (SELECT person_id, facility_id, min(admit_date) AS first_enc FROM encounter GROUP BY ALL) e
  ON e.person_id = r.person_id AND e.facility_id = r.facility_id
GROUP BY ALL
ORDER BY ALL

# quality: tables row counts in one query [union]
SELECT 'patient' AS t, count(*) AS n FROM patient
UNION ALL SELECT 'registration', count(*) FROM registration
UNION ALL SELECT 'encounter', count(*) FROM encounter
UNION ALL SELECT 'diagnosis', count(*) FROM diagnosis
UNION ALL SELECT 'medication', count(*) FROM medication
UNION ALL SELECT 'lab_result', count(*) FROM lab_result
UNION ALL SELECT 'vital_sign', count(*) FROM vital_sign
UNION ALL SELECT 'allergy', count(*) FROM allergy
UNION ALL SELECT 'dpc_admission', count(*) FROM dpc_admission
UNION ALL SELECT 'clinical_note', count(*) FROM clinical_note
ORDER BY t

# quality: date range per table using min and max [union]
SELECT 'encounter' AS t, min(admit_date) AS first_date, max(admit_date) AS last_date FROM encounter
UNION ALL SELECT 'lab_result', min(sampled_date), max(sampled_date) FROM lab_result
UNION ALL SELECT 'medication', min(order_date), max(order_date) FROM medication
UNION ALL SELECT 'vital_sign', min(measured_date), max(measured_date) FROM vital_sign
ORDER BY t

# quality: lab results per year for men and women side by side [cte, join, full-join, using-join, group-by, group-by-alias, coalesce, date-fn]
WITH m AS (SELECT year(sampled_date) AS yr, count(*) AS n FROM lab_result l JOIN patient p USING (person_id) WHERE p.sex = 'M' GROUP BY yr),
f AS (SELECT year(sampled_date) AS yr, count(*) AS n FROM lab_result l JOIN patient p USING (person_id) WHERE p.sex = 'F' GROUP BY yr)
SELECT coalesce(m.yr, f.yr) AS yr, m.n AS male_labs, f.n AS female_labs
FROM m FULL OUTER JOIN f ON f.yr = m.yr
ORDER BY yr

# quality: diagnoses per month compared with medications per month [join, full-join, subquery, group-by, group-by-ordinal, coalesce, date-fn]
SELECT coalesce(d.month, m.month) AS month, coalesce(d.n, 0) AS diagnoses, coalesce(m.n, 0) AS medications
FROM (SELECT date_trunc('month', diagnosis_date) AS month, count(*) AS n FROM diagnosis WHERE diagnosis_date >= DATE '2024-01-01' GROUP BY 1) d
FULL JOIN (SELECT date_trunc('month', order_date) AS month, count(*) AS n FROM medication WHERE order_date >= DATE '2024-01-01' GROUP BY 1) m
  ON m.month = d.month
ORDER BY month

# checkup: metabolic syndrome components (Japanese criteria, proxy) per patient [cte, join, left-join, using-join, group-by, filter, arg-max, coalesce, cast]
WITH latest_lab AS (
  SELECT person_id, lab_code, arg_max(value, (sampled_date, lab_id)) AS value
  FROM lab_result
  WHERE lab_code IN ('3D010', '3F015T', '3F070')
  GROUP BY person_id, lab_code
),
latest_vital AS (
  SELECT person_id, arg_max(systolic_bp, (measured_date, vital_id)) AS sbp, arg_max(diastolic_bp, (measured_date, vital_id)) AS dbp
  FROM vital_sign GROUP BY person_id
),
components AS (
  SELECT v.person_id,
         (v.sbp >= 130 OR v.dbp >= 85)::INTEGER
         + coalesce((max(l.value) FILTER (WHERE l.lab_code = '3D010') >= 110)::INTEGER, 0)
         + coalesce((max(l.value) FILTER (WHERE l.lab_code = '3F015T') >= 150 OR max(l.value) FILTER (WHERE l.lab_code = '3F070') < 40)::INTEGER, 0) AS n_components
  FROM latest_vital v
  LEFT JOIN latest_lab l USING (person_id)
  GROUP BY v.person_id, v.sbp, v.dbp
)
SELECT n_components, count(*) AS patients
FROM components
GROUP BY n_components
ORDER BY n_components

# checkup: uric acid by sex with hyperuricemia flag [join, using-join, group-by, filter, stats, math]
SELECT p.sex, count(*) AS n, round(avg(l.value), 2) AS mean_ua, median(l.value) AS median_ua,
       count(*) FILTER (WHERE l.value > 7.0) AS hyperuricemia
FROM lab_result l JOIN patient p USING (person_id)
WHERE l.lab_code = '3C045'
GROUP BY p.sex
ORDER BY p.sex

# checkup: liver enzyme pattern (AST/ALT ratio) per encounter [join, self-join, group-by, group-by-alias, case, coalesce]
SELECT CASE WHEN ast.value / nullif(alt.value, 0) > 2 THEN 'ratio>2'
            WHEN ast.value / nullif(alt.value, 0) > 1 THEN '1-2'
            ELSE '<=1' END AS de_ritis,
       count(*) AS encounters
FROM lab_result ast
JOIN lab_result alt ON alt.encounter_id = ast.encounter_id AND alt.lab_code = '3B045'
WHERE ast.lab_code = '3B035'
GROUP BY de_ritis
ORDER BY de_ritis

# checkup: eGFR recomputed from creatinine with the Japanese equation [join, using-join, group-by, case, math, date-fn]
SELECT p.sex,
       round(avg(194 * pow(l.value, -1.094) * pow(date_diff('year', p.birth_date, l.sampled_date), -0.287)
                 * CASE WHEN p.sex = 'F' THEN 0.739 ELSE 1 END), 1) AS mean_egfr_calc,
       count(*) AS n
FROM lab_result l
JOIN patient p USING (person_id)
WHERE l.lab_code = '3C015' AND date_diff('year', p.birth_date, l.sampled_date) >= 18
GROUP BY p.sex
ORDER BY p.sex

# checkup: LDL computed by the Friedewald formula where triglycerides below 400 [cte, group-by, filter, math]
WITH wide AS (
  SELECT encounter_id,
         max(value) FILTER (WHERE lab_code = '3F015') AS tc,
         max(value) FILTER (WHERE lab_code = '3F070') AS hdl,
         max(value) FILTER (WHERE lab_code = '3F015T') AS tg
  FROM lab_result
  WHERE lab_code IN ('3F015', '3F070', '3F015T')
  GROUP BY encounter_id
)
SELECT count(*) AS encounters, round(avg(tc - hdl - tg / 5), 1) AS mean_ldl_friedewald
FROM wide
WHERE tc IS NOT NULL AND hdl IS NOT NULL AND tg < 400

# trend: annual HbA1c test coverage among diabetes patients [cte, join, left-join, using-join, group-by, date-fn, string-fn]
WITH dm AS (SELECT DISTINCT person_id FROM diagnosis WHERE icd10 LIKE 'E11%'),
tested AS (SELECT DISTINCT person_id, year(sampled_date) AS yr FROM lab_result WHERE lab_code = '3D046')
SELECT t.yr, count(*) AS tested_dm_patients
FROM dm
LEFT JOIN tested t USING (person_id)
WHERE t.yr IS NOT NULL
GROUP BY t.yr
ORDER BY t.yr

# trend: proportion of patients aged 75+ among admissions by year [join, using-join, group-by, group-by-alias, filter, math, date-fn]
SELECT year(d.admit_date) AS yr,
       count(*) AS admissions,
       round(100.0 * count(*) FILTER (WHERE date_part('year', age(d.admit_date, p.birth_date)) >= 75) / count(*), 1) AS pct_75plus
FROM dpc_admission d JOIN patient p USING (person_id)
GROUP BY yr
ORDER BY yr

# trend: month-end day and days in month for admission reporting [cte, group-by, group-by-all, order-by-all, math, date-fn]
WITH m AS (
  SELECT last_day(admit_date) AS month_end, count(*) AS admissions
  FROM dpc_admission
  WHERE admit_date >= DATE '2024-01-01'
  GROUP BY ALL
)
SELECT month_end, day(month_end) AS days_in_month, admissions, round(admissions / day(month_end), 2) AS per_day
FROM m
ORDER BY ALL

# trend: fiscal quarter built with make_date [group-by, group-by-alias, date-fn]
SELECT make_date(year(admit_date), ((month(admit_date) - 1) // 3) * 3 + 1, 1) AS quarter_start, count(*) AS stays
FROM dpc_admission
GROUP BY quarter_start
ORDER BY quarter_start

# trend: encounters with datepart spelled for month and weekday [group-by, group-by-ordinal, date-fn]
SELECT datepart('month', admit_date) AS m, datepart('dow', admit_date) AS dow, count(*) AS n
FROM encounter
WHERE year(admit_date) = 2024
GROUP BY 1, 2
ORDER BY 1, 2

# trend: winter months flag with extract [group-by, group-by-alias, date-fn, string-fn]
SELECT extract(month FROM diagnosis_date) IN (12, 1, 2) AS winter, count(*) AS pneumonia_dx
FROM diagnosis
WHERE icd10 LIKE 'J18%'
GROUP BY winter
ORDER BY winter

# trend: cumulative share of yearly admissions by month [group-by, group-by-alias, window, math, date-fn]
SELECT year(admit_date) AS yr, month(admit_date) AS m, count(*) AS n,
       round(sum(count(*)) OVER (PARTITION BY year(admit_date) ORDER BY month(admit_date)) / sum(count(*)) OVER (PARTITION BY year(admit_date)), 3) AS cum_share
FROM dpc_admission
GROUP BY yr, m
ORDER BY yr, m

# trend: 12-month rolling sum of COVID-19 admissions [cte, group-by, group-by-ordinal, window, window-frame, date-fn]
WITH m AS (
  SELECT date_trunc('month', admit_date) AS month, count(*) AS n
  FROM dpc_admission WHERE main_icd10 = 'U07.1' GROUP BY 1
)
SELECT month, n, sum(n) OVER (ORDER BY month ROWS BETWEEN 11 PRECEDING AND CURRENT ROW) AS rolling_12m
FROM m
ORDER BY month

# trend: months since first encounter for each later encounter [join, using-join, subquery, group-by, group-by-alias, greatest-least, date-fn]
SELECT least(date_diff('month', f.first_visit, e.admit_date), 60) AS months_since_first, count(*) AS encounters
FROM encounter e
JOIN (SELECT person_id, min(admit_date) AS first_visit FROM encounter GROUP BY person_id) f USING (person_id)
GROUP BY months_since_first
ORDER BY months_since_first

# trend: admissions in the first week after New Year with interval arithmetic [group-by, group-by-alias, date-fn, interval, date-arith]
SELECT year(admit_date) AS yr, count(*) AS admissions
FROM dpc_admission
WHERE admit_date >= make_date(year(admit_date), 1, 1)
  AND admit_date < make_date(year(admit_date), 1, 1) + INTERVAL '7 days'
GROUP BY yr
ORDER BY yr

# trend: admissions during the previous 12 months relative to a reference date [group-by, cast, interval, date-arith]
SELECT department, count(*) AS admissions
FROM encounter
WHERE encounter_type = 'inpatient'
  AND admit_date > '2024-12-31'::DATE - INTERVAL '1 year'
GROUP BY department
ORDER BY admissions DESC, department

# cohort: diabetes patients by prefecture and sex with a join to patient [join, group-by]
SELECT p.prefecture, p.sex, count(DISTINCT d.person_id) AS n
FROM diagnosis d
JOIN patient p ON p.person_id = d.person_id
WHERE d.icd10 = 'E11.9'
GROUP BY p.prefecture, p.sex
ORDER BY p.prefecture, p.sex

# cohort: follow-up visits in the year after index, distribution [cte, join, left-join, group-by, group-by-alias, greatest-least, interval, date-arith, string-fn]
WITH idx AS (
  SELECT person_id, min(diagnosis_date) AS t0 FROM diagnosis WHERE icd10 LIKE 'E11%' GROUP BY person_id
),
visits AS (
  SELECT i.person_id, count(e.encounter_id) AS n
  FROM idx i
  LEFT JOIN encounter e ON e.person_id = i.person_id AND e.admit_date > i.t0 AND e.admit_date <= i.t0 + INTERVAL 1 YEAR
  GROUP BY i.person_id
)
SELECT least(n, 10) AS visits_capped, count(*) AS patients
FROM visits
GROUP BY visits_capped
ORDER BY visits_capped

# cohort: osteoporosis patients on bisphosphonate by sex [join, left-join, using-join, subquery, group-by, string-fn]
SELECT p.sex,
       count(DISTINCT o.person_id) AS osteoporosis,
       count(DISTINCT m.person_id) AS on_alendronate
FROM (SELECT DISTINCT person_id FROM diagnosis WHERE icd10 = 'M81.9') o
JOIN patient p USING (person_id)
LEFT JOIN medication m ON m.person_id = o.person_id AND m.drug_name LIKE 'アレンドロン酸%'
GROUP BY p.sex
ORDER BY p.sex

# cohort: dementia patients on donepezil with age at first prescription [join, using-join, subquery, in-subquery, group-by, group-by-alias, math, date-fn, string-fn]
SELECT floor(date_diff('year', p.birth_date, m.first_rx) / 5) * 5 AS age5, count(*) AS patients
FROM (SELECT person_id, min(order_date) AS first_rx FROM medication WHERE drug_name LIKE 'ドネペジル%' GROUP BY person_id) m
JOIN patient p USING (person_id)
WHERE m.person_id IN (SELECT person_id FROM diagnosis WHERE icd10 = 'G30.9')
GROUP BY age5
ORDER BY age5

# cohort: thyroid disease patients with TSH tested [subquery, in-subquery, filter]
SELECT count(*) AS hypothyroid,
       count(*) FILTER (WHERE person_id IN (SELECT person_id FROM lab_result WHERE lab_code = '4Z100')) AS tsh_tested
FROM (SELECT DISTINCT person_id FROM diagnosis WHERE icd10 = 'E03.9') t

# cohort: asthma patients using montelukast and prednisolone [subquery, intersect, string-fn]
SELECT count(*) AS both_drugs
FROM (
  SELECT person_id FROM medication WHERE drug_name LIKE 'モンテルカスト%'
  INTERSECT
  SELECT person_id FROM medication WHERE drug_name LIKE 'プレドニゾロン%'
  INTERSECT
  SELECT person_id FROM diagnosis WHERE icd10 = 'J45.9'
) t

# cohort: heart failure with both BNP and loop diuretic [join, using-join, subquery, intersect, group-by, string-fn]
SELECT p.sex, count(*) AS n
FROM (
  SELECT person_id FROM lab_result WHERE lab_code = '5A105' AND value > 100
  INTERSECT
  SELECT person_id FROM medication WHERE drug_name LIKE 'フロセミド%'
) t
JOIN patient p USING (person_id)
GROUP BY p.sex
ORDER BY p.sex

# cohort: patients listed page by page with their age [date-fn, limit, offset]
SELECT person_id, sex, date_diff('year', birth_date, DATE '2024-12-31') AS age
FROM patient
ORDER BY person_id
LIMIT 25 OFFSET 50

# cohort: cancer patients with chemotherapy in inpatient stays [join, group-by, group-by-alias, string-fn]
SELECT left(d.icd10, 3) AS site, count(DISTINCT m.person_id) AS chemo_patients, count(*) AS chemo_orders
FROM diagnosis d
JOIN medication m ON m.encounter_id = d.encounter_id
JOIN encounter e ON e.encounter_id = m.encounter_id
WHERE d.icd10 LIKE 'C%' AND m.drug_code LIKE '42%' AND e.encounter_type = 'inpatient'
GROUP BY site
ORDER BY site

# cohort: COVID-19 patients treated with remdesivir by age group [join, left-join, using-join, group-by, group-by-alias, case, date-fn, string-fn]
SELECT CASE WHEN date_diff('year', p.birth_date, d.diagnosis_date) >= 65 THEN '65+' ELSE '<65' END AS age_group,
       count(DISTINCT d.person_id) AS covid_patients,
       count(DISTINCT m.person_id) AS remdesivir
FROM diagnosis d
JOIN patient p USING (person_id)
LEFT JOIN medication m ON m.person_id = d.person_id AND m.drug_name LIKE 'レムデシビル%'
WHERE d.icd10 = 'U07.1'
GROUP BY age_group
ORDER BY age_group

# medication: drug lists per patient unnested back to rows [cte, subquery, group-by, string-fn, list]
WITH l AS (
  SELECT person_id, list_distinct(array_agg(drug_code)) AS codes
  FROM medication
  WHERE drug_code LIKE '2149%'
  GROUP BY person_id
)
SELECT code, count(*) AS patients
FROM (SELECT unnest(codes) AS code FROM l)
GROUP BY code
ORDER BY code

# medication: patients with any of several drugs using a list literal with list_contains [group-by, group-by-alias, list]
SELECT list_contains(['アムロジピン錠5mg', 'カンデサルタン錠8mg'], drug_name) AS antihypertensive, count(*) AS orders
FROM medication
GROUP BY antihypertensive
ORDER BY antihypertensive

# medication: first three drugs per patient with a list slice [group-by, having, list, slice, limit]
SELECT person_id, (list(drug_name ORDER BY order_date, medication_id))[1:3] AS first_three
FROM medication
GROUP BY person_id
HAVING count(*) >= 3
ORDER BY person_id
LIMIT 100

# medication: dose units collected per drug [group-by, list]
SELECT drug_name, array_agg(DISTINCT unit ORDER BY unit) AS units, count(*) AS orders
FROM medication
GROUP BY drug_name
ORDER BY drug_name

# lab: lab codes measured per encounter as a sorted list and its size [subquery, group-by, group-by-alias, list]
SELECT len(codes) AS n_tests, count(*) AS encounters
FROM (SELECT encounter_id, list_sort(list(lab_code)) AS codes FROM lab_result GROUP BY encounter_id) t
GROUP BY n_tests
ORDER BY n_tests

# lab: panels that include both HbA1c and glucose [subquery, group-by, list]
SELECT count(*) AS encounters
FROM (SELECT encounter_id, list(lab_code) AS codes FROM lab_result GROUP BY encounter_id) t
WHERE list_contains(codes, '3D046') AND list_contains(codes, '3D010')

# lab: glucose and HbA1c pair as a struct per encounter [cte, group-by, group-by-alias, filter, case, struct]
WITH pairs AS (
  SELECT encounter_id,
         {'glucose': max(value) FILTER (WHERE lab_code = '3D010'), 'hba1c': max(value) FILTER (WHERE lab_code = '3D046')} AS g
  FROM lab_result
  WHERE lab_code IN ('3D010', '3D046')
  GROUP BY encounter_id
)
SELECT CASE WHEN g.hba1c >= 6.5 OR g.glucose >= 126 THEN 'diabetic range' ELSE 'below' END AS status, count(*) AS encounters
FROM pairs
WHERE g.hba1c IS NOT NULL AND g.glucose IS NOT NULL
GROUP BY status
ORDER BY status

# lab: unnest a struct list of reference ranges and count abnormal values [cte, join, group-by, count-if, list, struct]
WITH ranges AS (
  SELECT unnest([
    {'code': '3H010', 'low': 135.0, 'high': 145.0},
    {'code': '3H015', 'low': 3.5, 'high': 5.0},
    {'code': '2A030', 'low': 12.0, 'high': 17.0}
  ], recursive := true)
)
SELECT r.code, count(*) AS n, count_if(l.value < r.low OR l.value > r.high) AS abnormal
FROM ranges r
JOIN lab_result l ON l.lab_code = r.code
GROUP BY r.code
ORDER BY r.code

# lab: yearly lab volume by test in long format from a wide pivot [cte, group-by, group-by-alias, filter, date-fn, unpivot]
WITH wide AS (
  SELECT year(sampled_date) AS yr,
         count(*) FILTER (WHERE lab_code = '3D046') AS hba1c,
         count(*) FILTER (WHERE lab_code = '3C015') AS creatinine,
         count(*) FILTER (WHERE lab_code = '3F077') AS ldl
  FROM lab_result
  GROUP BY yr
)
SELECT yr, test, n
FROM wide
UNPIVOT (n FOR test IN (hba1c, creatinine, ldl))
ORDER BY yr, test

# lab: HbA1c testing frequency per diabetes patient-year [subquery, group-by, group-by-ordinal, date-fn]
SELECT n_tests, count(*) AS patient_years
FROM (
  SELECT person_id, year(sampled_date) AS yr, count(*) AS n_tests
  FROM lab_result
  WHERE lab_code = '3D046'
  GROUP BY 1, 2
) t
GROUP BY 1
ORDER BY 1

# lab: patients with worsening kidney function (creatinine rise 0.3 within 48 hours proxy: same or next day) [join, self-join, date-arith]
SELECT count(DISTINCT a.person_id) AS patients
FROM lab_result a
JOIN lab_result b ON b.person_id = a.person_id AND b.lab_code = '3C015'
 AND b.sampled_date - a.sampled_date BETWEEN 0 AND 2 AND b.lab_id <> a.lab_id
WHERE a.lab_code = '3C015' AND b.value - a.value >= 0.3

# lab: mean value by test and sex with sqrt-based confidence interval [join, using-join, group-by, stats, math]
SELECT l.lab_code, p.sex, count(*) AS n,
       round(avg(l.value), 2) AS mean,
       round(avg(l.value) - 1.96 * stddev_samp(l.value) / sqrt(count(*)), 2) AS ci_low,
       round(avg(l.value) + 1.96 * stddev_samp(l.value) / sqrt(count(*)), 2) AS ci_high
FROM lab_result l
JOIN patient p USING (person_id)
WHERE l.lab_code IN ('3C015', '2A030', '3C045')
GROUP BY l.lab_code, p.sex
ORDER BY l.lab_code, p.sex

# lab: tests sampled in each quarter of 2024 as a pivot [subquery, date-fn, string-fn, pivot]
SELECT *
FROM (SELECT lab_code, 'Q' || quarter(sampled_date) AS q FROM lab_result WHERE year(sampled_date) = 2024)
PIVOT (count(*) FOR q IN ('Q1', 'Q2', 'Q3', 'Q4'))
ORDER BY lab_code

# lab: lab results joined to vitals on the same encounter with USING [join, using-join, stats, math]
SELECT count(*) AS pairs, round(corr(l.value, v.systolic_bp), 4) AS r_cre_sbp
FROM lab_result l
JOIN vital_sign v USING (encounter_id)
WHERE l.lab_code = '3C015'

# lab: lab values and encounter department joined with USING on two columns [join, using-join, group-by, math]
SELECT department, count(*) AS crp_tests, round(avg(value), 2) AS mean_crp
FROM lab_result
JOIN encounter USING (encounter_id, person_id)
WHERE lab_code = '5C070'
GROUP BY department
ORDER BY department

# vitals: blood pressure measured per department [join, group-by, math]
SELECT e.department, count(*) AS n, round(avg(v.systolic_bp), 1) AS mean_sbp, round(avg(v.diastolic_bp), 1) AS mean_dbp
FROM vital_sign v
JOIN encounter e ON e.encounter_id = v.encounter_id
GROUP BY e.department
ORDER BY e.department

# vitals: obesity prevalence by prefecture at first measurement [join, using-join, subquery, group-by, distinct-on, count-if, math]
SELECT p.prefecture, count(*) AS n, round(100.0 * count_if(f.bmi >= 25) / count(*), 1) AS pct_bmi25
FROM (
  SELECT DISTINCT ON (person_id) person_id, weight_kg / pow(height_cm / 100, 2) AS bmi
  FROM vital_sign
  WHERE height_cm IS NOT NULL
  ORDER BY person_id, measured_date, vital_id
) f
JOIN patient p USING (person_id)
GROUP BY p.prefecture
ORDER BY p.prefecture

# vitals: systolic pressure quantiles by treatment status [subquery, in-subquery, group-by, group-by-alias, stats, string-fn]
SELECT v.person_id IN (SELECT person_id FROM medication WHERE drug_code LIKE '2149%') AS treated,
       count(*) AS n,
       quantile_cont(v.systolic_bp, 0.5) AS median_sbp,
       approx_quantile(v.systolic_bp, 0.9) AS approx_p90_sbp
FROM vital_sign v
GROUP BY treated
ORDER BY treated

# vitals: height and weight columns cast for export [cast, limit]
SELECT vital_id, measured_date::VARCHAR AS measured, height_cm::INTEGER AS height_int, weight_kg::DECIMAL(5, 1) AS weight
FROM vital_sign
WHERE height_cm IS NOT NULL
ORDER BY vital_id
LIMIT 30

# dpc: mean stay by outcome and facility with GROUP BY CUBE [group-by, group-by-alias, rollup-cube, math]
SELECT facility_id, discharge_outcome IN ('6', '7') AS died, count(*) AS stays, round(avg(los_days), 2) AS mean_los
FROM dpc_admission
GROUP BY CUBE (facility_id, died)
ORDER BY facility_id NULLS LAST, died NULLS LAST

# dpc: stays per year and facility with GROUPING SETS [group-by, group-by-alias, rollup-cube, date-fn]
SELECT year(admit_date) AS yr, facility_id, count(*) AS stays
FROM dpc_admission
WHERE admit_date >= DATE '2023-01-01'
GROUP BY GROUPING SETS ((yr), (yr, facility_id), ())
ORDER BY yr NULLS LAST, facility_id NULLS FIRST

# dpc: length of stay percentiles by MDC [group-by, group-by-alias, stats, string-fn]
SELECT left(dpc_code, 2) AS mdc,
       quantile_disc(los_days, 0.25) AS q1,
       quantile_disc(los_days, 0.5) AS median,
       quantile_disc(los_days, 0.75) AS q3
FROM dpc_admission
GROUP BY mdc
ORDER BY mdc

# dpc: stays with same-day discharge excluded and the rest summarized [group-by]
SELECT main_icd10, count(*) AS stays, sum(los_days) AS bed_days
FROM dpc_admission
WHERE los_days > 0 AND main_icd10 IN ('J18.9', 'I50.9', 'I63.9')
GROUP BY main_icd10
ORDER BY main_icd10

# dpc: age of DPC patients in 10-year bands with ceil [join, using-join, group-by, group-by-alias, math, date-fn]
SELECT ceil(date_diff('year', p.birth_date, d.admit_date) / 10.0) * 10 AS age_upper, count(*) AS stays
FROM dpc_admission d
JOIN patient p USING (person_id)
GROUP BY age_upper
ORDER BY age_upper

# readmission: readmission within 30 days after pneumonia, per facility year [cte, group-by, window, count-if, date-arith, string-fn]
WITH s AS (
  SELECT facility_id, admit_date, discharge_date, main_icd10,
         lead(admit_date) OVER (PARTITION BY person_id ORDER BY admit_date, dpc_id) AS next_admit
  FROM dpc_admission
)
SELECT facility_id, count(*) AS pneumonia_stays, count_if(next_admit - discharge_date <= 30) AS readmit_30d
FROM s
WHERE main_icd10 LIKE 'J18%'
GROUP BY facility_id
ORDER BY facility_id

# readmission: index admissions and readmissions side by side per month [cte, join, full-join, self-join, group-by, group-by-ordinal, coalesce, date-fn, date-arith]
WITH idx AS (
  SELECT date_trunc('month', admit_date) AS month, count(*) AS n FROM dpc_admission WHERE year(admit_date) = 2024 GROUP BY 1
),
re AS (
  SELECT date_trunc('month', b.admit_date) AS month, count(*) AS n
  FROM dpc_admission a JOIN dpc_admission b ON b.person_id = a.person_id AND b.admit_date BETWEEN a.discharge_date + 1 AND a.discharge_date + 30
  WHERE year(b.admit_date) = 2024
  GROUP BY 1
)
SELECT coalesce(idx.month, re.month) AS month, coalesce(idx.n, 0) AS admissions, coalesce(re.n, 0) AS readmissions
FROM idx FULL JOIN re ON re.month = idx.month
ORDER BY month

# notes: notes per inpatient day by note type [join, using-join, group-by, greatest-least, math, date-arith]
SELECT n.note_type, count(*) AS notes, round(count(*) / sum(greatest(e.discharge_date - e.admit_date, 1)), 3) AS notes_per_day
FROM clinical_note n
JOIN encounter e USING (encounter_id)
WHERE e.encounter_type = 'inpatient'
GROUP BY n.note_type
ORDER BY n.note_type

# notes: months with the most notes [group-by, group-by-alias, date-fn, limit]
SELECT strftime(note_date, '%Y-%m') AS ym, count(*) AS notes
FROM clinical_note
GROUP BY ym
ORDER BY notes DESC, ym
LIMIT 12

# notes: note type distribution per year [group-by, group-by-all, order-by-all, date-fn]
SELECT year(note_date) AS yr, note_type, count(*) AS notes, count(DISTINCT person_id) AS patients
FROM clinical_note
GROUP BY ALL
ORDER BY ALL

# medication: YJ therapeutic category by string slicing [group-by, group-by-alias, list, slice]
SELECT drug_code[1:4] AS yj4, count() AS orders, count(DISTINCT person_id) AS patients,
FROM medication
GROUP BY yj4
ORDER BY yj4

# medication: latest and earliest drug per patient with max_by and min_by [group-by, arg-max, string-fn, limit]
SELECT person_id,
       min_by(drug_name, (order_date, medication_id)) AS first_drug,
       max_by(drug_name, (order_date, medication_id)) AS latest_drug,
FROM medication
WHERE drug_code LIKE '2149%'
GROUP BY person_id
ORDER BY person_id
LIMIT 100

# lab: HbA1c series converted to mmol/mol with a lambda [group-by, having, math, list, lambda, limit]
SELECT person_id,
       list_transform(list(value ORDER BY sampled_date, lab_id), lambda v: round(10.93 * v - 23.5)) AS ifcc_mmol_mol
FROM lab_result
WHERE lab_code = '3D046'
GROUP BY person_id
HAVING count(*) >= 4
ORDER BY person_id
LIMIT 50

# lab: number of HbA1c values at or above 7 per patient with list_filter [subquery, group-by, group-by-alias, list, lambda]
SELECT len(list_filter(vals, lambda v: v >= 7.0)) AS n_high, count(*) AS patients
FROM (
  SELECT person_id, list(value) AS vals FROM lab_result WHERE lab_code = '3D046' GROUP BY person_id
) t
GROUP BY n_high
ORDER BY n_high

# lab: list comprehension of eGFR categories per patient [group-by, having, case, list, lambda, limit]
SELECT person_id,
       [CASE WHEN v >= 60 THEN 'G1-2' WHEN v >= 30 THEN 'G3' ELSE 'G4-5' END FOR v IN list(value ORDER BY sampled_date, lab_id)] AS categories
FROM lab_result
WHERE lab_code = '3C025'
GROUP BY person_id
HAVING count(*) >= 3
ORDER BY person_id
LIMIT 50

# lab: mean of each patient's HbA1c list with list_aggregate [subquery, group-by, group-by-alias, math, list]
SELECT round(list_aggregate(vals, 'avg'), 1) AS mean_hba1c, count(*) AS patients
FROM (SELECT person_id, list(value ORDER BY sampled_date, lab_id) AS vals FROM lab_result WHERE lab_code = '3D046' GROUP BY person_id) t
GROUP BY mean_hba1c
ORDER BY mean_hba1c

# lab: peak-to-trough range of creatinine lists with list_max and list_min [subquery, group-by, group-by-alias, having, math, list]
SELECT round(list_max(vals) - list_min(vals), 1) AS cre_range, count(*) AS patients
FROM (SELECT person_id, list(value) AS vals FROM lab_result WHERE lab_code = '3C015' GROUP BY person_id HAVING count(*) >= 2) t
GROUP BY cre_range
ORDER BY cre_range

# vitals: last two systolic readings per patient by list slicing [group-by, having, list, slice, limit]
SELECT person_id, (list(systolic_bp ORDER BY measured_date DESC, vital_id DESC))[1:2] AS last_two_sbp
FROM vital_sign
GROUP BY person_id
HAVING count(*) >= 2
ORDER BY person_id
LIMIT 100

# vitals: centred moving average of weight over neighbouring measurements [subquery, in-subquery, group-by, having, window, window-frame, math, limit]
SELECT person_id, measured_date, weight_kg,
       round(avg(weight_kg) OVER (PARTITION BY person_id ORDER BY measured_date, vital_id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING), 1) AS weight_smoothed
FROM vital_sign
WHERE person_id IN (SELECT person_id FROM vital_sign GROUP BY person_id HAVING count(*) >= 6 ORDER BY person_id LIMIT 20)
ORDER BY person_id, measured_date, vital_id

# encounter: share of visits by type as double ratios with :: casts [group-by, window, math, cast]
SELECT encounter_type,
       count(*) AS n,
       round(count(*)::DOUBLE / sum(count(*)) OVER (), 4) AS share
FROM encounter
GROUP BY encounter_type
ORDER BY encounter_type

# encounter: admissions per 1000 patients registered by facility [join, left-join, group-by, math, cast]
SELECT r.facility_id,
       count(DISTINCT r.person_id) AS registered,
       round(1000 * count(e.encounter_id)::DOUBLE / count(DISTINCT r.person_id), 1) AS admissions_per_1000
FROM registration r
LEFT JOIN encounter e ON e.person_id = r.person_id AND e.facility_id = r.facility_id AND e.encounter_type = 'inpatient'
GROUP BY r.facility_id
ORDER BY r.facility_id

# encounter: inpatient stays starting within 30 days of an emergency visit [join, self-join, interval, date-arith]
SELECT count(DISTINCT i.encounter_id) AS admissions_after_er
FROM encounter i
JOIN encounter er ON er.person_id = i.person_id AND er.encounter_type = 'emergency'
WHERE i.encounter_type = 'inpatient'
  AND i.admit_date BETWEEN er.admit_date AND er.admit_date + INTERVAL '30' DAY

# diagnosis: diagnosis codes in 2024 compared with 2023 counts with a LEFT JOIN and ratio [cte, join, left-join, self-join, group-by, group-by-all, coalesce, math, cast, date-fn]
WITH y AS (
  SELECT icd10, year(diagnosis_date) AS yr, count(*) AS n FROM diagnosis WHERE year(diagnosis_date) IN (2023, 2024) GROUP BY ALL
)
SELECT a.icd10, a.n AS n_2024, b.n AS n_2023, round(a.n::DOUBLE / nullif(b.n, 0), 3) AS ratio
FROM y a
LEFT JOIN y b ON b.icd10 = a.icd10 AND b.yr = 2023
WHERE a.yr = 2024
ORDER BY a.icd10

# diagnosis: codes that start with a chapter letter using the ^@ operator [group-by, group-by-alias, string-fn]
SELECT icd10 ^@ 'E' AS endocrine, count(DISTINCT person_id) AS patients
FROM diagnosis
GROUP BY endocrine
ORDER BY endocrine

# patient: count() without star and trailing comma in the select list [group-by, group-by-all, order-by-all]
SELECT sex, prefecture, count() AS n,
FROM patient
WHERE prefecture IN ('東京都', '大阪府', '北海道')
GROUP BY ALL
ORDER BY ALL

# patient: birth month distribution with monthname and datepart [group-by, group-by-all, date-fn]
SELECT datepart('month', birth_date) AS m, monthname(birth_date) AS month_name, count(*) AS births
FROM patient
GROUP BY ALL
ORDER BY m
