// Models: placeholder until its issue lands.
