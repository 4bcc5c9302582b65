package dev.mailgate.testsupport;

/**
 * Test servers are started once per JVM, but Quarkus loads test classes again for every test
 * profile, so a static field is one per class loader. What must be shared is kept in the system
 * properties as JDK types (String, Map, Consumer), which every class loader sees as the same class.
 */
final class JvmWide {

    private JvmWide() {
    }

    static <T> T get(String key, Class<T> jdkType) {
        Object value = System.getProperties().get(key);
        return jdkType.isInstance(value) ? jdkType.cast(value) : null;
    }

    static void put(String key, Object jdkValue) {
        System.getProperties().put(key, jdkValue);
    }
}
