"""Alembic environment: the engine comes from `dondoc.store.db.migrate`, never from an ini file."""

from alembic import context

from dondoc.store.db import include_object
from dondoc.store.models import Base

engine = context.config.attributes["engine"]

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
