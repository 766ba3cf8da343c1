package io.deskport.broker.shared;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.context.annotation.Configuration;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.HttpOutputMessage;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.converter.AbstractHttpMessageConverter;
import org.springframework.http.converter.HttpMessageConverters;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Writes the reports' CSV form ({@link CsvTable}) as {@code text/csv; charset=UTF-8; header=present}, whole, with its
 * Content-Length and a {@code Content-Disposition: attachment} naming the file. Only the reports answer it (the
 * licence reports, the usage roll-ups): each handler chooses the form ({@link #csvAsked}) and names it in its answer's
 * content type; everything else is as before.
 */
@Configuration(proxyBeanMethods = false)
public class CsvTableConverter implements WebMvcConfigurer {

    /** The media type of the reports' CSV form, as answered. */
    public static final MediaType CSV = new MediaType("text", "csv", Map.of("charset", StandardCharsets.UTF_8.name(),
            "header", "present"));

    /** The OpenAPI description of the {@code format} parameter of a report that has a CSV form. */
    public static final String FORMAT_PARAMETER = "`csv` for the CSV form whatever the Accept header says (a link for a "
            + "browser), `json` for JSON; else the Accept header decides (`text/csv`, or JSON)";

    /**
     * Whether the client asked for the CSV form: {@code format=csv} (or {@code json}), else the first media type of
     * its Accept header, by quality, that is JSON or CSV ({@code *}{@code /*}: JSON).
     *
     * @throws ProblemException VALIDATION_FAILED naming {@code format} when it is neither
     */
    public static boolean csvAsked(String format, HttpServletRequest request) {
        if (format != null && !format.isBlank()) {
            return switch (format.strip().toLowerCase(Locale.ROOT)) {
                case "csv" -> true;
                case "json" -> false;
                default -> {
                    Map<String, Object> error = new LinkedHashMap<>();
                    error.put("field", "format");
                    error.put("message", "must be csv or json");
                    error.put("rejectedValue", format.length() > 200 ? format.substring(0, 200) + "…" : format);
                    throw new ProblemException(Reason.VALIDATION_FAILED, "format: must be csv or json",
                            Map.of("errors", List.of(error)));
                }
            };
        }
        String accept = request.getHeader(HttpHeaders.ACCEPT);
        if (accept == null || accept.isBlank()) {
            return false;
        }
        List<MediaType> types;
        try {
            types = MediaType.parseMediaTypes(accept);
        } catch (InvalidMediaTypeException e) {
            return false; // as Spring reads it: whatever the mapping produces
        }
        MediaType csv = MediaType.parseMediaType(CsvTable.MEDIA_TYPE);
        return types.stream().filter(t -> t.getQualityValue() > 0)
                .sorted(Comparator.comparingDouble(MediaType::getQualityValue).reversed())
                .filter(t -> t.includes(MediaType.APPLICATION_JSON) || t.includes(csv))
                .findFirst().map(t -> !t.includes(MediaType.APPLICATION_JSON)).orElse(false);
    }

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
