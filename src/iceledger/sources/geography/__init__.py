"""Geography: states, counties, ICE areas of responsibility, county → AOR, and the place resolver."""
