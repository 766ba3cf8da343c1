package io.deskport.broker.licensing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.springframework.context.annotation.Configuration;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.HttpOutputMessage;
import org.springframework.http.MediaType;
import org.springframework.http.converter.AbstractHttpMessageConverter;
import org.springframework.http.converter.HttpMessageConverters;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Writes the reports' CSV form ({@link CsvTable}) as {@code text/csv; charset=UTF-8; header=present}, whole, with its
 * Content-Length and a {@code Content-Disposition: attachment} naming the file. Only the licence reports answer it
 * (each handler chooses the form: see {@link LicenceReportController}); everything else is as before.
 */
@Configuration(proxyBeanMethods = false)
class CsvTableConverter implements WebMvcConfigurer {

    /** The media type of the reports' CSV form, as answered. */
    static final MediaType CSV = new MediaType("text", "csv", Map.of("charset", StandardCharsets.UTF_8.name(),
            "header", "present"));

    @Override
    public void configureMessageConverters(HttpMessageConverters.ServerBuilder converters) {
        converters.addCustomConverter(new Converter());
    }

    /** The converter itself: writes a {@link CsvTable}, reads nothing. */
    static final class Converter extends AbstractHttpMessageConverter<CsvTable> {

        Converter() {
            super(StandardCharsets.UTF_8, MediaType.parseMediaType(CsvTable.MEDIA_TYPE));
        }

        @Override
        protected boolean supports(Class<?> type) {
            return CsvTable.class.isAssignableFrom(type);
        }

        @Override
        protected boolean canRead(MediaType mediaType) {
            return false;
        }

        @Override
        protected CsvTable readInternal(Class<? extends CsvTable> type, HttpInputMessage input) {
            throw new HttpMessageNotReadableException("CSV reports are answers, never requests", input);
        }

        @Override
        protected void writeInternal(CsvTable table, HttpOutputMessage output) throws IOException {
            byte[] body = table.csv();
            output.getHeaders().setContentType(CSV);
            output.getHeaders().setContentLength(body.length);
            output.getHeaders().setContentDisposition(ContentDisposition.attachment().filename(table.csvFilename()).build());
            output.getBody().write(body);
        }
    }
}
