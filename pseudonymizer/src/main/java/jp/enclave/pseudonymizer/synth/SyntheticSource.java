package jp.enclave.pseudonymizer.synth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import jp.enclave.pseudonymizer.source.Reference;
import jp.enclave.pseudonymizer.source.Reference.Diagnosis;
import jp.enclave.pseudonymizer.source.Reference.Drug;
import jp.enclave.pseudonymizer.source.Reference.Hospital;
import jp.enclave.pseudonymizer.source.Reference.Lab;
import jp.enclave.pseudonymizer.source.Reference.Name;
import jp.enclave.pseudonymizer.source.Reference.Prefecture;
import jp.enclave.pseudonymizer.source.SourceTable;

/**
 * Writes a synthetic multi-hospital source, one person at a time so memory stays flat at any
 * scale. Each person is drawn from a random stream keyed by (seed, person index), so a run is
 * reproducible whatever the scale. The same person is registered at one to four hospitals, each
 * with its own local ID and with the noise real registries have; {@code truth.csv} records who
 * is who so linkage can be measured.
 */
public final class SyntheticSource {
  /** Faults are injected only this far into the run so tiny sources get them too. */
  public record Config(long seed, int patients, double faultRate) {
    public Config {
      if (patients < 1) {
        throw new IllegalArgumentException("patients must be at least 1, was " + patients);
      }
      if (faultRate < 0 || faultRate > 0.5) {
        throw new IllegalArgumentException("fault rate must be within [0, 0.5], was " + faultRate);
      }
    }
  }

  /** What was written: rows per file, persons, registrations and injected faults. */
  public record Report(int persons, long registrations, Map<SourceTable, Long> rows, Map<Fault, Long> faults) {
    public long totalRows() {
      return rows.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  public static final String TRUTH_FILE = "truth.csv";

  private static final LocalDate FIRST_BIRTH = LocalDate.of(1935, 1, 1);
  private static final int BIRTH_SPAN_DAYS = (int) (LocalDate.of(2022, 12, 31).toEpochDay() - FIRST_BIRTH.toEpochDay());
  private static final LocalDate FIRST_VISIT = LocalDate.of(2015, 1, 1);
  private static final int VISIT_SPAN_DAYS = (int) (LocalDate.of(2024, 12, 31).toEpochDay() - FIRST_VISIT.toEpochDay());

  private final Config config;
  private final Reference ref = Reference.get();
  private final double[] diagnosisCdf;
  private final Map<SourceTable, CsvSink> sinks = new EnumMap<>(SourceTable.class);
  private final Map<Fault, Long> faults = new EnumMap<>(Fault.class);
  private final int[] nextLocalId;
  private CsvSink truth;
  private long registrations;

  private SyntheticSource(Config config) {
    this.config = config;
    this.nextLocalId = new int[ref.hospitals().size()];
    double total = ref.diagnoses().stream().mapToDouble(Diagnosis::weight).sum();
    diagnosisCdf = new double[ref.diagnoses().size()];
    double acc = 0;
    for (int i = 0; i < diagnosisCdf.length; i++) {
      acc += ref.diagnoses().get(i).weight() / total;
      diagnosisCdf[i] = acc;
    }
  }

  /** Writes the source files and truth into {@code dir}. */
  public static Report generate(Config config, Path dir) {
    SyntheticSource g = new SyntheticSource(config);
    try {
      jp.enclave.sealed.PrivateFiles.createDirectory(dir);
      for (SourceTable t : SourceTable.values()) {
        g.sinks.put(t, new CsvSink(dir.resolve(t.fileName()), t.header()));
      }
      g.truth = new CsvSink(dir.resolve(TRUTH_FILE), List.of("hospital_id", "patient_id", "person_key"));
      for (int i = 0; i < config.patients(); i++) {
        g.person(i);
      }
      for (CsvSink s : g.sinks.values()) {
        s.close();
      }
      g.truth.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write synthetic source to " + dir, e);
    }
    Map<SourceTable, Long> rows = new EnumMap<>(SourceTable.class);
    g.sinks.forEach((t, s) -> rows.put(t, s.rows()));
    return new Report(config.patients(), g.registrations, rows, g.faults);
  }

  /** The stable facts of one person; each registration copies them with its own noise. */
  private record Person(
      String key, String sex, LocalDate birth, Name family, Name given, Prefecture pref, String city,
      String address, String postal, String phone, String insurance, List<Diagnosis> conditions,
      double heightCm, double weightKg, int sbp) {}

  private void person(int index) throws IOException {
    SplittableRandom r = new SplittableRandom(config.seed() * 0x9E3779B97F4A7C15L + index);
    boolean female = r.nextBoolean();
    LocalDate birth = FIRST_BIRTH.plusDays(r.nextInt(BIRTH_SPAN_DAYS));
    Prefecture pref = pick(ref.prefectures(), r);
    List<Diagnosis> conditions = new ArrayList<>();
    int nConditions = 1 + r.nextInt(3);
    for (int c = 0; c < nConditions; c++) {
      Diagnosis d = drawDiagnosis(r);
      if (!conditions.contains(d)) {
        conditions.add(d);
      }
    }
    double height = female ? 152 + r.nextGaussian() * 6 : 166 + r.nextGaussian() * 7;
    Person p = new Person(
        String.format("T%08d", index), female ? "F" : "M", birth, pick(ref.familyNames(), r),
        pick(female ? ref.femaleNames() : ref.maleNames(), r), pref, pick(pref.cities(), r),
        address(r), postal(r), phone(r), String.format("%08d", r.nextInt(100_000_000)), conditions,
        round(height, 1), round(Math.max(35, height - 105 + r.nextGaussian() * 9), 1),
        (int) Math.round(118 + r.nextGaussian() * 16));
    double u = r.nextDouble();
    int hospitals = u < 0.60 ? 1 : u < 0.88 ? 2 : u < 0.98 ? 3 : 4;
    List<Integer> chosen = new ArrayList<>();
    while (chosen.size() < hospitals) {
      int h = r.nextInt(ref.hospitals().size());
      if (!chosen.contains(h)) {
        chosen.add(h);
      }
    }
    for (int k = 0; k < chosen.size(); k++) {
      register(p, chosen.get(k), k > 0, r);
    }
  }

  private void register(Person p, int hospitalIndex, boolean noisy, SplittableRandom r) throws IOException {
    Hospital h = ref.hospitals().get(hospitalIndex);
    String localId = String.format("%s-%07d", h.id(), ++nextLocalId[hospitalIndex]);
    registrations++;
    Name family = p.family();
    Name given = p.given();
    Prefecture pref = p.pref();
    String city = p.city();
    String address = p.address();
    String phone = p.phone();
    String familyKana = family.kana();
    String givenKana = given.kana();
    if (noisy) {
      boolean adult = p.birth().plusYears(20).isBefore(LocalDate.of(2015, 1, 1));
      if ("F".equals(p.sex()) && adult && r.nextDouble() < 0.06) {
        family = pick(ref.familyNames(), r);
        familyKana = family.kana();
      }
      if (r.nextDouble() < 0.08) {
        if (r.nextBoolean()) {
          familyKana = KanaNoise.typo(familyKana, r);
        } else {
          givenKana = KanaNoise.typo(givenKana, r);
        }
      }
      if (r.nextDouble() < 0.15) {
        pref = r.nextDouble() < 0.6 ? pref : pick(ref.prefectures(), r);
        city = pick(pref.cities(), r);
        address = address(r);
      }
      if (r.nextDouble() < 0.05) {
        phone = phone(r);
      }
      if (r.nextDouble() < 0.20) {
        phone = "";
      }
    }
    if ("H05".equals(h.id())) {
      familyKana = KanaNoise.toHiragana(familyKana);
      givenKana = KanaNoise.toHiragana(givenKana);
    }
    truth.row(h.id(), localId, p.key());
    sinks.get(SourceTable.PATIENT).row(h.id(), localId, family.kanji() + " " + given.kanji(),
        familyKana + " " + givenKana, p.sex(), p.birth(), p.postal(), pref.name(), city, address, phone,
        p.insurance());
    events(p, h, localId, family.kanji() + given.kanji(), phone, r);
  }

  private void events(Person p, Hospital h, String localId, String fullName, String phone, SplittableRandom r)
      throws IOException {
    String hid = h.id();
    if (r.nextDouble() < 0.15) {
      var a = pick(ref.allergens(), r);
      sinks.get(SourceTable.ALLERGY).row(hid, localId, localId + "-A1", a.code(), a.name(),
          r.nextBoolean() ? "軽度" : "中等度", visitDate(p, r));
    }
    int visits = 1 + r.nextInt(6);
    for (int v = 1; v <= visits; v++) {
      String enc = localId + "-E" + v;
      boolean inpatient = r.nextDouble() < 0.08;
      LocalDate admit = visitDate(p, r);
      LocalDate discharge = inpatient ? admit.plusDays(2 + r.nextInt(20)) : null;
      String dept = pick(ref.departments(), r);
      sinks.get(SourceTable.ENCOUNTER).row(hid, localId, enc, inpatient ? "inpatient" : "outpatient", dept,
          admit, discharge == null ? "" : discharge);
      Diagnosis main = pick(p.conditions(), r);
      row(SourceTable.DIAGNOSIS, r, Fault.UNKNOWN_CODE,
          new Object[] {hid, localId, enc + "-D1", enc, main.icd10(), main.name(), admit, "true"}, 4, "X99.9Z");
      if (r.nextDouble() < 0.3) {
        Diagnosis extra = drawDiagnosis(r);
        sinks.get(SourceTable.DIAGNOSIS).row(hid, localId, enc + "-D2", enc, extra.icd10(), extra.name(), admit,
            "false");
      }
      int orders = r.nextInt(3);
      for (int o = 1; o <= orders; o++) {
        Drug d = drugFor(main, inpatient, r);
        row(SourceTable.MEDICATION, r, Fault.MISSING_KEY,
            new Object[] {hid, localId, enc + "-M" + o, enc, d.route(), d.code(), d.name(), d.dose(), d.unit(),
                "oral".equals(d.route()) ? 7 * (1 + r.nextInt(8)) : 1, admit}, 2, "");
      }
      if (r.nextDouble() < 0.5) {
        int tests = 2 + r.nextInt(4);
        for (int t = 1; t <= tests; t++) {
          Lab lab = pick(ref.labs(), r);
          double value = labValue(lab, p, r);
          Object[] row = {hid, localId, enc + "-L" + t, enc, lab.code(), lab.name(), value, lab.unit(), admit};
          if (faultDue(r)) {
            boolean orphan = r.nextBoolean();
            row[orphan ? 1 : 8] = orphan ? hid + "-9999999" : "2021-02-30";
            faults.merge(orphan ? Fault.ORPHAN : Fault.BAD_DATE, 1L, Long::sum);
          }
          sinks.get(SourceTable.LAB).row(row);
        }
      }
      if (r.nextDouble() < 0.5) {
        double weight = round(p.weightKg() + r.nextGaussian(), 1);
        int sbp = (int) Math.round(p.sbp() + r.nextGaussian() * 8);
        Object[] row = {hid, localId, enc + "-V1", enc, admit, p.heightCm(), weight, sbp,
            (int) Math.round(sbp * 0.62 + r.nextGaussian() * 5)};
        if (faultDue(r)) {
          if (r.nextBoolean()) {
            row[6] = "五十";
            faults.merge(Fault.BAD_NUMBER, 1L, Long::sum);
            sinks.get(SourceTable.VITAL).row(row);
          } else {
            faults.merge(Fault.RAGGED_ROW, 1L, Long::sum);
            sinks.get(SourceTable.VITAL).rawRow((String.join(",", java.util.Arrays.stream(row)
                .map(String::valueOf).toList()) + ",extra").getBytes(StandardCharsets.UTF_8));
          }
        } else {
          sinks.get(SourceTable.VITAL).row(row);
        }
      }
      if (inpatient) {
        sinks.get(SourceTable.DPC).row(hid, localId, enc + "-P", enc, admit, discharge, main.icd10(),
            dpcCode(main, r), String.valueOf(1 + r.nextInt(9)));
      }
      if (inpatient || r.nextDouble() < 0.04) {
        note(p, hid, localId, enc, admit, dept, main, fullName, phone, r);
      }
    }
  }

  private void note(Person p, String hid, String localId, String enc, LocalDate date, String dept, Diagnosis main,
      String fullName, String phone, SplittableRandom r) throws IOException {
    int age = date.getYear() - p.birth().getYear();
    String family = fullName.substring(0, fullName.length() - p.given().kanji().length());
    String text = switch (r.nextInt(3)) {
      case 0 -> fullName + "様、" + age + "歳。" + dept + "受診。" + main.name() + "の経過観察。"
          + (phone.isEmpty() ? "" : "連絡先 " + phone + "。");
      case 1 -> "本人（" + family + "さん）より倦怠感の訴えあり。" + main.name() + "について説明し、次回採血予定。";
      default -> "家族より電話あり（" + (phone.isEmpty() ? "03-5253-2111" : phone) + "）。" + fullName
          + "さんの退院調整について相談。";
    };
    if (faultDue(r)) {
      faults.merge(Fault.BROKEN_ENCODING, 1L, Long::sum);
      byte[] prefix = (hid + "," + localId + "," + enc + "-N," + enc + "," + date + ",経過記録,\"")
          .getBytes(StandardCharsets.UTF_8);
      byte[] broken = {(byte) 0x83, (byte) 0x65, (byte) 0xff, (byte) 0xfe, '"'};
      byte[] line = new byte[prefix.length + broken.length];
      System.arraycopy(prefix, 0, line, 0, prefix.length);
      System.arraycopy(broken, 0, line, prefix.length, broken.length);
      sinks.get(SourceTable.NOTE).rawRow(line);
      return;
    }
    sinks.get(SourceTable.NOTE).row(hid, localId, enc + "-N", enc, date, "経過記録", text);
  }

  /** Writes a row, or with the fault rate, the row with column {@code at} set to {@code bad}. */
  private void row(SourceTable t, SplittableRandom r, Fault fault, Object[] values, int at, String bad)
      throws IOException {
    if (faultDue(r)) {
      values[at] = bad;
      faults.merge(fault, 1L, Long::sum);
    }
    sinks.get(t).row(values);
  }

  private boolean faultDue(SplittableRandom r) {
    return config.faultRate() > 0 && r.nextDouble() < config.faultRate();
  }

  private Drug drugFor(Diagnosis d, boolean inpatient, SplittableRandom r) {
    String code = d.icd10();
    List<Drug> drugs = ref.drugs();
    String prefix = code.startsWith("E11") || code.startsWith("E10") ? (r.nextBoolean() ? "396" : "2492")
        : code.startsWith("I10") ? "2149"
        : code.startsWith("E78") ? "2189"
        : code.startsWith("I48") ? "333"
        : code.startsWith("J18") || code.startsWith("N39") ? (inpatient ? "613" : "6241")
        : code.startsWith("C") ? (inpatient ? "42" : "2329")
        : null;
    if (prefix != null) {
      List<Drug> fit = drugs.stream().filter(x -> x.code().startsWith(prefix)).toList();
      if (!fit.isEmpty()) {
        return pick(fit, r);
      }
    }
    return pick(drugs, r);
  }

  private double labValue(Lab lab, Person p, SplittableRandom r) {
    double mean = lab.mean();
    boolean diabetic = p.conditions().stream().anyMatch(c -> c.icd10().startsWith("E11") || c.icd10().startsWith("E10"));
    if (diabetic && ("3D010".equals(lab.code()) || "3D046".equals(lab.code()))) {
      mean *= 1.45;
    }
    double v = mean + r.nextGaussian() * lab.sd();
    return round(Math.max(lab.mean() * 0.05, v), lab.decimals());
  }

  private static String dpcCode(Diagnosis d, SplittableRandom r) {
    String mdc = String.format("%02d", 1 + Math.abs(d.icd10().hashCode()) % 18);
    return mdc + String.format("%04d", r.nextInt(10000)) + "xx" + (r.nextBoolean() ? "99" : "97") + "x0xx";
  }

  private Diagnosis drawDiagnosis(SplittableRandom r) {
    double u = r.nextDouble();
    for (int i = 0; i < diagnosisCdf.length; i++) {
      if (u <= diagnosisCdf[i]) {
        return ref.diagnoses().get(i);
      }
    }
    return ref.diagnoses().get(diagnosisCdf.length - 1);
  }

  private static LocalDate visitDate(Person p, SplittableRandom r) {
    LocalDate d = FIRST_VISIT.plusDays(r.nextInt(VISIT_SPAN_DAYS));
    return d.isBefore(p.birth()) ? p.birth().plusDays(r.nextInt(365)) : d;
  }

  private static String address(SplittableRandom r) {
    return (1 + r.nextInt(9)) + "丁目" + (1 + r.nextInt(30)) + "番" + (1 + r.nextInt(20)) + "号";
  }

  private static String postal(SplittableRandom r) {
    return String.format("%03d-%04d", r.nextInt(1000), r.nextInt(10000));
  }

  private static String phone(SplittableRandom r) {
    return r.nextDouble() < 0.75
        ? String.format("0%d0-%04d-%04d", 7 + r.nextInt(3), r.nextInt(10000), r.nextInt(10000))
        : String.format("0%d-%04d-%04d", 3 + r.nextInt(6), r.nextInt(10000), r.nextInt(10000));
  }

  private static <T> T pick(List<T> list, SplittableRandom r) {
    return list.get(r.nextInt(list.size()));
  }

  private static double round(double v, int decimals) {
    double f = Math.pow(10, decimals);
    return Math.round(v * f) / f;
  }
}
