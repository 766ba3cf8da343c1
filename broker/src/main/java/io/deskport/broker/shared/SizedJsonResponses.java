package io.deskport.broker.shared;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;

import org.springframework.context.annotation.Configuration;
import org.springframework.core.ResolvableType;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpOutputMessage;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.converter.json.JacksonJsonHttpMessageConverter;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import tools.jackson.databind.json.JsonMapper;

/**
 * JSON answers carry a Content-Length. Spring's JSON converter streams into the response and flushes it,
 * which commits the response without a length, so every answer went out chunked: the headers and body in
 * one write, the closing chunk in a second one, and the client reading twice. The API's answers are small
 * (a page of a list at most), so each is serialised first and sent whole. Request bodies are read
 * strictly ({@link ApiJson}).
 */
@Configuration(proxyBeanMethods = false)
class SizedJsonResponses implements WebMvcConfigurer {

    @Override
    public void extendMessageConverters(List<HttpMessageConverter<?>> converters) {
        converters.replaceAll(c -> c.getClass() == JacksonJsonHttpMessageConverter.class
                ? new SizedJsonHttpMessageConverter(ApiJson.strict(((JacksonJsonHttpMessageConverter) c).getMapper())) : c);
    }

    /** Spring's JSON converter, serialising into a buffer so that the length is known before the body. */
    static final class SizedJsonHttpMessageConverter extends JacksonJsonHttpMessageConverter {

        SizedJsonHttpMessageConverter(JsonMapper mapper) {
            super(mapper);
        }

        @Override
        protected void writeInternal(Object value, ResolvableType type, HttpOutputMessage output, Map<String, Object> hints)
                throws IOException {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream(512);
            super.writeInternal(value, type, new HttpOutputMessage() {
                @Override
                public HttpHeaders getHeaders() {
                    return output.getHeaders();
                }

                @Override
                public OutputStream getBody() {
                    return buffer;
                }
            }, hints);
            output.getHeaders().setContentLength(buffer.size());
            buffer.writeTo(output.getBody());
        }
    }
}
