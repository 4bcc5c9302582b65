package dev.mailgate.testsupport;

import java.lang.reflect.InvocationTargetException;
import java.util.function.Function;

/**
 * Test servers are started once per JVM, but Quarkus loads test classes again for every test
 * profile, so a static field exists once per class loader. The copy of a server class loaded by the
 * system class loader (surefire puts test classes on the system class path) is the one owner; copies
 * in other loaders talk to it by reflection with JDK types only.
 */
final class SystemLoaded {

    private SystemLoaded() {}

    /**
     * When {@code type} is not the system-loaded class, the system-loaded singleton (from its static
     * {@code factory} method) wrapped by {@code wrap}; null when this is the system-loaded class.
     */
    static <T> T delegate(Class<T> type, String factory, Function<Object, T> wrap) {
        ClassLoader system = ClassLoader.getSystemClassLoader();
        if (type.getClassLoader() == system) {
            return null;
        }
        Class<?> root;
        try {
            root = Class.forName(type.getName(), true, system);
        } catch (ClassNotFoundException notOnSystemPath) {
            return null;
        }
        try {
            return wrap.apply(root.getMethod(factory).invoke(null));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot reach the system-loaded " + type.getSimpleName(), e);
        }
    }

    static Object call(Object target, String method) {
        try {
            return target.getClass().getMethod(method).invoke(target);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
