package io.deskport.broker.shared;

import tools.jackson.core.JsonParser;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.KeyDeserializer;
import tools.jackson.databind.deser.jdk.StringDeserializer;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;

/**
 * How the API reads JSON request bodies: strictly. A member the operation does not know is refused (a
 * mistyped {@code "maxSize"} must not be silently ignored), and so is a NUL character in any string,
 * which PostgreSQL cannot store — both as 400 naming the member (see {@link ProblemHandler}).
 */
final class ApiJson {

    private ApiJson() {
    }

    /** @return the application's mapper, reading request bodies strictly */
    static JsonMapper strict(JsonMapper mapper) {
        SimpleModule nul = new SimpleModule("deskport-no-nul");
        nul.addDeserializer(String.class, new NulFreeStrings());
        nul.addKeyDeserializer(String.class, new NulFreeKeys());
        return mapper.rebuild().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).addModule(nul).build();
    }

    /** Thrown for a string with a NUL character; the message is the one the client sees. */
    static boolean isNul(InvalidFormatException e) {
        return e.getTargetType() == String.class && NulCharacterRefusal.MESSAGE.equals(e.getOriginalMessage());
    }

    /** Jackson's string reading, refusing NUL. */
    private static final class NulFreeStrings extends StringDeserializer {

        @Override
        public String deserialize(JsonParser p, DeserializationContext ctxt) {
            String s = super.deserialize(p, ctxt);
            if (s != null && s.indexOf('\0') >= 0) {
                throw InvalidFormatException.from(p, NulCharacterRefusal.MESSAGE, null, String.class);
            }
            return s;
        }
    }

    private static final class NulFreeKeys extends KeyDeserializer {

        @Override
        public Object deserializeKey(String key, DeserializationContext ctxt) {
            if (key.indexOf('\0') >= 0) {
                JsonParser p = ctxt.getParser();
                throw InvalidFormatException.from(p, NulCharacterRefusal.MESSAGE, null, String.class);
            }
            return key;
        }
    }
}
