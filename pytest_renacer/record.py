"""``@record``: the value classes of the modules the ``renacer`` command imports.

Why not ``dataclasses``: importing it imports ``inspect`` (and with it ``ast``, ``dis``,
``tokenize``), about 10 ms of the command's start-up, and each ``@dataclass`` compiles
every generated method with its own ``exec``. These classes use only fields with
defaults or ``field(default_factory=...)``, ``frozen`` and ``slots``: ``record`` gives
them ``__init__`` (one ``exec`` per class), ``__repr__``, ``__eq__``, ``__match_args__``,
and when frozen read-only fields, ``__hash__`` and pickling, with dataclasses' semantics
for those. Type checkers see ``dataclasses.dataclass`` itself.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up again)
if TYPE_CHECKING:
    from dataclasses import dataclass as record
    from dataclasses import field
else:
    _MISSING = object()

    class FrozenInstanceError(AttributeError):
        """Assigning to a field of a frozen record."""

    class _Factory:
        __slots__ = ("factory",)

        def __init__(self, factory):
            self.factory = factory

    def field(*, default_factory):
        """A field whose default is made by calling ``default_factory`` per instance."""
        return _Factory(default_factory)

    def record(cls=None, /, *, frozen=False, slots=False):
        """``@record`` or ``@record(frozen=True, slots=True)`` on a class of fields."""

        def wrap(cls):
            return _make(cls, frozen, slots)

        return wrap if cls is None else wrap(cls)

    def _field_names(cls):
        inherited = []
        for base in reversed(cls.__mro__[1:]):
            for name in getattr(base, "__record_fields__", ()):
                if name not in inherited:
                    inherited.append(name)
        # the class's own annotations (strings: the modules use `from __future__ import
        # annotations`, which keeps them in the class dict on every Python we support)
        own = [n for n, ann in cls.__dict__.get("__annotations__", {}).items()  # noqa: RUF063
               if not str(ann).startswith(("ClassVar", "typing.ClassVar"))]
        return tuple(inherited + [n for n in own if n not in inherited])

    def _make(cls, frozen, slots):
        names = _field_names(cls)
        namespace = {"_MISSING": _MISSING, "_setattr": object.__setattr__}
        params, body, defaulted = [], [], False
        for name in names:
            default = _MISSING
            for klass in cls.__mro__:
                if name in klass.__dict__:
                    default = klass.__dict__[name]
                    break
            value = name
            if default is _MISSING:
                if defaulted:
                    raise TypeError(f"non-default argument {name!r} follows default argument")
                params.append(name)
            elif isinstance(default, _Factory):
                defaulted = True
                namespace[f"_f_{name}"] = default.factory
                params.append(f"{name}=_MISSING")
                value = f"_f_{name}() if {name} is _MISSING else {name}"
            else:
                defaulted = True
                namespace[f"_d_{name}"] = default
                params.append(f"{name}=_d_{name}")
            body.append(f"    _setattr(self, {name!r}, {value})" if frozen
                        else f"    self.{name} = {value}")
        # every field is a parameter and an assignment: no fields, no body but "pass"
        source = f"def __init__(self, {', '.join(params)}):\n" + "\n".join(body or ["    pass"])
        exec(source, namespace)  # the source is built from the field names above

        attrs = dict(cls.__dict__)
        if slots:
            for name in names:
                attrs.pop(name, None)
            attrs.pop("__dict__", None)
            attrs.pop("__weakref__", None)
            attrs["__slots__"] = tuple(n for n in names
                                       if not any(n in getattr(b, "__slots__", ())
                                                  for b in cls.__mro__[1:]))
        init = namespace["__init__"]
        init.__qualname__ = f"{cls.__qualname__}.__init__"
        attrs["__init__"] = init
        attrs["__record_fields__"] = names
        attrs["__match_args__"] = names
        attrs.setdefault("__repr__", _repr)
        attrs.setdefault("__eq__", _eq)
        if "__hash__" not in cls.__dict__ or cls.__dict__["__hash__"] is None:
            # dataclasses' rule for eq=True: frozen -> hash of the fields, else unhashable
            attrs["__hash__"] = _hash if frozen else None
        if frozen:
            attrs["__setattr__"] = _frozen_setattr
            attrs["__delattr__"] = _frozen_delattr
            if slots:
                attrs["__getstate__"] = _getstate
                attrs["__setstate__"] = _setstate
        if slots:  # a new class: __slots__ must be there when the class is made
            slotted = type(cls)(cls.__name__, cls.__bases__, attrs)
            slotted.__qualname__ = cls.__qualname__
            return slotted
        for name in names:  # a factory's marker is no class attribute (as in dataclasses)
            if isinstance(cls.__dict__.get(name), _Factory):
                delattr(cls, name)
        for key, value in attrs.items():
            if key in ("__dict__", "__weakref__"):
                continue
            if cls.__dict__.get(key, _MISSING) is not value:
                setattr(cls, key, value)
        return cls

    def _values(obj):
        return tuple(getattr(obj, name) for name in obj.__record_fields__)

    def _repr(self):
        return (f"{type(self).__qualname__}("
                + ", ".join(f"{n}={getattr(self, n)!r}" for n in self.__record_fields__) + ")")

    def _eq(self, other):
        if other.__class__ is self.__class__:
            return _values(self) == _values(other)
        return NotImplemented

    def _hash(self):
        return hash(_values(self))

    def _frozen_setattr(self, name, value):
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def _frozen_delattr(self, name):
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def _getstate(self):
        return _values(self)

    def _setstate(self, state):
        for name, value in zip(self.__record_fields__, state, strict=True):
            object.__setattr__(self, name, value)

__all__ = ["field", "record"]
