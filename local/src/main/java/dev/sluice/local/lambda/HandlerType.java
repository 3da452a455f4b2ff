package dev.sluice.local.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.amazonaws.services.lambda.runtime.serialization.factories.JacksonFactory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.nio.charset.StandardCharsets;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;

/**
 * A handler class loaded by name, as the Lambda Java runtime loads it: a {@link RequestStreamHandler}
 * gets the raw bytes, a {@link RequestHandler} gets its input type deserialized with Lambda's own
 * serializers (the ones that know the aws-lambda-java-events field names). Public for the bundles
 * benchmark, which invokes a handler this way in a JVM of its bundle alone.
 */
public final class HandlerType {

    private final Constructor<?> constructor;
    private final PojoSerializer<Object> input;
    private final PojoSerializer<Object> output;

    private HandlerType(Constructor<?> constructor, PojoSerializer<Object> input, PojoSerializer<Object> output) {
        this.constructor = constructor;
        this.input = input;
        this.output = output;
    }

    public static HandlerType load(String className, ClassLoader loader) {
        Class<?> type;
        try {
            type = Class.forName(className, true, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalArgumentException("handler class " + className + " is not on the classpath", e);
        }
        Constructor<?> constructor;
        try {
            constructor = type.getConstructor();
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException("handler class " + className + " has no public no-argument constructor");
        }
        if (RequestStreamHandler.class.isAssignableFrom(type)) {
            return new HandlerType(constructor, null, null);
        }
        if (!RequestHandler.class.isAssignableFrom(type)) {
            throw new IllegalArgumentException("handler class " + className
                    + " implements neither RequestHandler nor RequestStreamHandler");
        }
        Type[] io = requestHandlerTypes(type);
        return new HandlerType(constructor, serializer(io[0], loader), serializer(io[1], loader));
    }

    /** A fresh handler instance: one per execution environment, as on Lambda. */
    public Object newInstance() throws Exception {
        try {
            return constructor.newInstance();
        } catch (InvocationTargetException e) {
            // The constructor's own failure is the function's init error, as Lambda reports it.
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    @SuppressWarnings("unchecked")
    public byte[] invoke(Object handler, byte[] payload, Context context) throws IOException {
        if (input == null) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ((RequestStreamHandler) handler).handleRequest(new ByteArrayInputStream(payload), out, context);
            return out.toByteArray();
        }
        Object event = input.fromJson(new ByteArrayInputStream(payload));
        Object result = ((RequestHandler<Object, Object>) handler).handleRequest(event, context);
        if (result == null) {
            return "null".getBytes(StandardCharsets.UTF_8);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        output.toJson(result, out);
        return out.toByteArray();
    }

    @SuppressWarnings("unchecked")
    private static PojoSerializer<Object> serializer(Type type, ClassLoader loader) {
        Class<?> raw = type instanceof ParameterizedType p ? (Class<?>) p.getRawType()
                : type instanceof Class<?> c ? c : Object.class;
        if (LambdaEventSerializers.isLambdaSupportedEvent(raw.getName())) {
            return (PojoSerializer<Object>) LambdaEventSerializers.serializerFor(raw, loader);
        }
        return JacksonFactory.getInstance().getSerializer(type);
    }

    /** The I and O of {@code RequestHandler<I, O>}, looked up through superclasses as Lambda does. */
    private static Type[] requestHandlerTypes(Class<?> type) {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Type t : c.getGenericInterfaces()) {
                if (t instanceof ParameterizedType p && p.getRawType() == RequestHandler.class) {
                    Type[] args = p.getActualTypeArguments();
                    return new Type[] {concrete(args[0]), concrete(args[1])};
                }
            }
        }
        return new Type[] {Object.class, Object.class};
    }

    private static Type concrete(Type t) {
        return t instanceof TypeVariable<?> ? Object.class : t;
    }
}
