// MongoStore: placeholder until its issue lands.
