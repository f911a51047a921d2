// The oracle of JavaDateTimePatternTests: formats instants with java.time's DateTimeFormatter.ofPattern.
// stdin: one case per line, "epochSecond<TAB>nanoOfSecond<TAB>zoneId<TAB>pattern".
// stdout: one line per case, "OK<TAB>formatted" or "ERROR<TAB>message". Run with the en_US locale.
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

public class JavaOracle {
    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        StringBuilder out = new StringBuilder();
        String line;
        while ((line = in.readLine()) != null) {
            String[] fields = line.split("\t", 4);
            try {
                Instant instant = Instant.ofEpochSecond(Long.parseLong(fields[0]), Long.parseLong(fields[1]));
                String text = DateTimeFormatter.ofPattern(fields[3]).format(instant.atZone(ZoneId.of(fields[2])));
                out.append("OK\t").append(text).append('\n');
            } catch (Exception e) {
                out.append("ERROR\t").append(e.getMessage()).append('\n');
            }
        }
        System.out.print(out);
    }
}
