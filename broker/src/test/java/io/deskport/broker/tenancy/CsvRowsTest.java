package io.deskport.broker.tenancy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class CsvRowsTest {

    @Test
    void quotedFieldsCarryCommasQuotesAndLineBreaks() throws IOException {
        assertThat(all("a,\"b, c\",\"say \"\"hi\"\"\"\r\n\"two\nlines\",,x\n\n last ,y,\n"))
                .containsExactly(List.of("a", "b, c", "say \"hi\""), List.of("two\nlines", "", "x"),
                        List.of(" last ", "y", ""));
    }

    @Test
    void aRecordWithoutAFinalLineBreakIsRead() throws IOException {
        assertThat(all("a,b\nc,d")).containsExactly(List.of("a", "b"), List.of("c", "d"));
    }

    @Test
    void anUnclosedQuoteOrTextAfterAClosingQuoteIsMalformedWithItsLine() {
        assertThatThrownBy(() -> all("a,b\nc,\"d\n")).isInstanceOf(CsvRows.Malformed.class).hasMessageContaining("not closed");
        assertThatThrownBy(() -> all("a,b\nc,\"d\"e\n")).isInstanceOf(CsvRows.Malformed.class)
                .hasMessageContaining("line 2");
    }

    private static List<List<String>> all(String csv) throws IOException {
        CsvRows rows = new CsvRows(new StringReader(csv));
        List<List<String>> all = new ArrayList<>();
        for (List<String> r = rows.next(); r != null; r = rows.next()) {
            all.add(r);
        }
        return all;
    }
}
