// EventSources: placeholder until its issue lands.
