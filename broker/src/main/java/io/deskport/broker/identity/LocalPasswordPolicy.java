package io.deskport.broker.identity;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.springframework.stereotype.Component;

import io.deskport.broker.tenancy.PasswordPolicy;

/**
 * The password policy of local accounts: at least {@code deskport.identity.password-min-length} characters (12 by
 * default) and at most {@value #MAX_LENGTH}, not containing the username, and not trivially weak — one character
 * repeated, a walk along the keyboard, the alphabet or the digits ({@code qwertyuiop12}, {@code 123456789012}), or
 * one of a short list of the passwords people pick first with only digits or symbols around it
 * ({@code Summer2024!}, {@code P@ssw0rd1234}). Length matters most; the other rules catch what every guessing list
 * tries first. (Keycloak's accounts follow the realm's own password policy.)
 */
@Component
class LocalPasswordPolicy implements PasswordPolicy {

    /** The most characters a password may have (BCrypt reads 72 bytes; longer passphrases still hash the same). */
    static final int MAX_LENGTH = 200;

    /** Rows of keys and runs of letters and digits, each also walked backwards. */
    private static final List<String> SEQUENCES = List.of("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm",
            "qwertzuiop", "yxcvbnm", "azertyuiop", "qsdfghjklm", "wxcvbn", "abcdefghijklmnopqrstuvwxyz",
            "1qaz2wsx3edc4rfv5tgb6yhn7ujm", "qazwsxedcrfvtgbyhnujmikolp");

    /**
     * Words people choose first (written for Deskport, not copied from a leaked list): compared with the password
     * with its leading and trailing digits and symbols removed and common letter swaps ({@code 0} for o, {@code @}
     * for a) undone.
     */
    private static final Set<String> COMMON = Set.of("password", "passwort", "motdepasse", "contrasena", "qwerty",
            "letmein", "welcome", "willkommen", "bienvenue", "admin", "administrator", "root", "guest", "user",
            "login", "secret", "changeme", "default", "iloveyou", "sunshine", "princess", "dragon", "monkey",
            "master", "shadow", "football", "baseball", "soccer", "superman", "batman", "starwars", "whatever",
            "trustno", "computer", "internet", "freedom", "summer", "winter", "spring", "autumn", "january",
            "december", "hello", "helloworld", "test", "testing", "deskport", "desktop", "company", "office",
            "abc", "abcd", "qwertz", "azerty");

    private final int minLength;

    LocalPasswordPolicy(IdentityProperties properties) {
        this.minLength = properties.passwordMinLength();
    }

    @Override
    public List<String> violations(String username, String password) {
        List<String> wrong = new ArrayList<>();
        int length = password.codePointCount(0, password.length());
        if (length < minLength) {
            wrong.add("must be at least " + minLength + " characters");
        }
        if (length > MAX_LENGTH) {
            wrong.add("must be at most " + MAX_LENGTH + " characters");
            return wrong; // no point reading further into a password that is refused anyway
        }
        String lower = password.toLowerCase(Locale.ROOT);
        if (username != null && username.length() >= 3 && lower.contains(username.toLowerCase(Locale.ROOT))) {
            wrong.add("must not contain the username");
        }
        if (!password.isEmpty() && password.chars().distinct().count() == 1) {
            wrong.add("must not be one character repeated");
        } else if (isWalk(lower)) {
            wrong.add("must not be a run along the keyboard, the alphabet or the digits (such as qwerty or 123456)");
        }
        if (isCommon(lower)) {
            wrong.add("must not be a common password, even with digits or symbols added");
        }
        return wrong;
    }

    /**
     * A walk: the password reads as at most three runs, each of next-door keys, letters or digits (either way) or of
     * one character repeated — {@code qwertyuiop12}, {@code 1234567890ab}, {@code aaaabbbbcccc}.
     */
    static boolean isWalk(String lower) {
        if (lower.length() < 4) {
            return false;
        }
        int breaks = 0;
        for (int i = 1; i < lower.length(); i++) {
            if (!nextDoor(lower.charAt(i - 1), lower.charAt(i))) {
                breaks++;
            }
        }
        return breaks <= 2;
    }

    private static boolean nextDoor(char a, char b) {
        if (a == b) {
            return true;
        }
        String pair = "" + a + b;
        String reversed = "" + b + a;
        for (String s : SEQUENCES) {
            if (s.contains(pair) || s.contains(reversed)) {
                return true;
            }
        }
        return false;
    }

    /** A common word, repeated or not, with only digits and symbols before and after it. */
    static boolean isCommon(String lower) {
        String core = unswapped(lower).replaceAll("^[^a-z]+|[^a-z]+$", "");
        if (core.isEmpty()) {
            return false;
        }
        for (String word : COMMON) {
            if (core.equals(word) || core.replace(word, "").isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /** Undoes the letter swaps people make to satisfy "use a digit and a symbol" ({@code p@ssw0rd}). */
    private static String unswapped(String lower) {
        StringBuilder out = new StringBuilder(lower.length());
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            // only between letters: digits around the word stay digits ("summer2024", "p@ssw0rd1234")
            boolean inside = i > 0 && i < lower.length() - 1 && Character.isLetter(out.charAt(i - 1))
                    && Character.isLetter(lower.charAt(i + 1));
            out.append(!inside ? c : switch (c) {
                case '0' -> 'o';
                case '1', '!' -> 'i';
                case '3' -> 'e';
                case '4', '@' -> 'a';
                case '5', '$' -> 's';
                case '7' -> 't';
                default -> c;
            });
        }
        return out.toString();
    }
}
