//! Word lists for the seeded data: a Denver-area home-services business (HVAC,
//! plumbing, electrical, roofing). Order matters: changing a list changes every
//! seeded dataset.

pub const FIRST_NAMES: &[&str] = &[
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "John",
    "Jennifer",
    "Michael",
    "Linda",
    "David",
    "Elizabeth",
    "William",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Christopher",
    "Karen",
    "Daniel",
    "Lisa",
    "Matthew",
    "Nancy",
    "Anthony",
    "Sandra",
    "Mark",
    "Ashley",
    "Steven",
    "Kimberly",
    "Andrew",
    "Emily",
    "Joshua",
    "Donna",
    "Kevin",
    "Michelle",
    "Brian",
    "Carol",
    "George",
    "Amanda",
    "Timothy",
    "Melissa",
    "Ryan",
    "Deborah",
    "Jacob",
    "Stephanie",
    "Gary",
    "Rebecca",
    "Nicholas",
    "Laura",
    "Eric",
    "Sharon",
    "Jonathan",
    "Cynthia",
    "Brandon",
    "Kathleen",
    "Samuel",
    "Amy",
    "Tyler",
    "Angela",
    "Aaron",
    "Heather",
    "José",
    "María",
    "Luis",
    "Sofía",
    "Zoë",
    "Chloé",
    "Renée",
    "André",
    "Noël",
    "Inés",
    "Björn",
    "Søren",
    "Thanh",
    "Mai",
    "Wei",
    "Priya",
    "Aaliyah",
    "DeShawn",
    "Malik",
    "Keisha",
    "Connor",
    "Siobhán",
    "Hannah",
    "Olivia",
    "Ethan",
    "Mason",
    "Ava",
    "Isabella",
    "Logan",
];

pub const LAST_NAMES: &[&str] = &[
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Miller",
    "Davis",
    "Wilson",
    "Anderson",
    "Taylor",
    "Thomas",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Thompson",
    "White",
    "Harris",
    "Clark",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Hill",
    "Green",
    "Adams",
    "Baker",
    "Nelson",
    "Carter",
    "Mitchell",
    "Roberts",
    "Turner",
    "Phillips",
    "Campbell",
    "Parker",
    "Evans",
    "Edwards",
    "Collins",
    "Stewart",
    "Morris",
    "Murphy",
    "Cook",
    "Rogers",
    "Morgan",
    "Peterson",
    "Cooper",
    "Reed",
    "Bailey",
    "Bell",
    "Kelly",
    "Howard",
    "Ward",
    "Cox",
    "Richardson",
    "Wood",
    "Brooks",
    "Bennett",
    "Gray",
    "García",
    "Hernández",
    "Martínez",
    "López",
    "González",
    "Pérez",
    "Sánchez",
    "Ramírez",
    "Muñoz",
    "Peña",
    "Ibáñez",
    "Nguyễn",
    "Tran",
    "Patel",
    "Chen",
    "Kim",
    "O'Brien",
    "O'Connor",
    "McAllister",
    "Dvořák",
    "Kowalski",
    "Schröder",
    "Lindqvist",
    "Okafor",
    "Haddad",
    "Yamamoto",
    "Novak",
    "St. Pierre",
    "Van der Berg",
    "Whitfield",
];

/// `(city, postal codes)`, all in Colorado.
pub const CITIES: &[(&str, &[&str])] = &[
    (
        "Denver",
        &[
            "80202", "80205", "80206", "80209", "80210", "80211", "80218", "80220", "80224",
            "80231",
        ],
    ),
    (
        "Aurora",
        &["80010", "80012", "80013", "80014", "80015", "80016"],
    ),
    (
        "Lakewood",
        &["80214", "80215", "80226", "80227", "80228", "80232"],
    ),
    ("Littleton", &["80120", "80122", "80123", "80127", "80128"]),
    ("Englewood", &["80110", "80112", "80113"]),
    ("Arvada", &["80002", "80003", "80004", "80005", "80007"]),
    ("Westminster", &["80020", "80021", "80030", "80031"]),
    ("Thornton", &["80229", "80233", "80241", "80602"]),
    ("Centennial", &["80015", "80016", "80111", "80121", "80122"]),
    ("Highlands Ranch", &["80126", "80129", "80130"]),
    ("Parker", &["80134", "80138"]),
    ("Castle Rock", &["80104", "80108", "80109"]),
    ("Golden", &["80401", "80403"]),
    ("Boulder", &["80301", "80302", "80303", "80304", "80305"]),
    ("Broomfield", &["80020", "80023"]),
    ("Wheat Ridge", &["80033", "80034"]),
    ("Commerce City", &["80022"]),
    ("Brighton", &["80601", "80602"]),
    ("Lone Tree", &["80124"]),
    ("Greenwood Village", &["80111", "80121"]),
    ("Evergreen", &["80439"]),
    ("Louisville", &["80027"]),
];

pub const STREET_NAMES: &[&str] = &[
    "Colfax",
    "Larimer",
    "Wadsworth",
    "Sheridan",
    "Federal",
    "Kipling",
    "Alameda",
    "Evans",
    "Yale",
    "Hampden",
    "Belleview",
    "Quebec",
    "Monaco",
    "Holly",
    "Colorado",
    "University",
    "Downing",
    "Josephine",
    "Gaylord",
    "Pearl",
    "Washington",
    "Clarkson",
    "Logan",
    "Grant",
    "Aspen",
    "Cottonwood",
    "Juniper",
    "Ponderosa",
    "Blue Spruce",
    "Columbine",
    "Pikes Peak",
    "Longs Peak",
    "Red Rocks",
    "Bear Creek",
    "Clear Creek",
    "Cherry Creek",
    "Willow",
    "Elm",
    "Maple",
    "Oak",
    "Cedar",
    "Pine",
    "Birch",
    "Sunset",
    "Meadowlark",
    "Ridgeview",
];

pub const STREET_SUFFIXES: &[&str] = &[
    "St", "Ave", "Blvd", "Dr", "Ct", "Ln", "Way", "Pl", "Cir", "Rd", "Pkwy", "Trl",
];

/// `(area code, weight)`: mostly the metro's 303/720, some mountains and south.
pub const AREA_CODES: &[(&str, u32)] = &[("303", 45), ("720", 40), ("970", 10), ("719", 5)];

pub const EMAIL_DOMAINS: &[&str] = &[
    "gmail.com",
    "gmail.com",
    "gmail.com",
    "yahoo.com",
    "outlook.com",
    "icloud.com",
    "hotmail.com",
    "comcast.net",
    "aol.com",
    "proton.me",
];

pub const COMPANY_PREFIXES: &[&str] = &[
    "Aspen Grove",
    "Cherry Creek",
    "Front Range",
    "Mile High",
    "Red Rocks",
    "Platte River",
    "Bluebird",
    "Cottonwood",
    "Evergreen",
    "Highline",
    "Clear Creek",
    "Bear Creek",
    "Silver Plume",
    "Larkspur",
    "Foothills",
    "Pinecrest",
    "Lakeside",
    "Westgate",
    "Union Station",
    "Sloan's Lake",
];

pub const COMPANY_SUFFIXES: &[&str] = &[
    "Property Management",
    "Family Dentistry",
    "Apartments",
    "HOA",
    "Realty Group",
    "Self Storage",
    "Auto Repair",
    "Bakery",
    "Veterinary Clinic",
    "Fitness",
    "Montessori",
    "Brewing Co.",
    "Senior Living",
    "Office Park",
    "Community Church",
    "Coffee Roasters",
    "Laundromat",
    "Hotel",
    "Pediatrics",
    "Dental Lab",
];

/// `(name, weight)`.
pub const SOURCES: &[(&str, u32)] = &[
    ("Website form", 25),
    ("Google Ads", 20),
    ("Referral", 20),
    ("Housecall Pro", 15),
    ("Facebook", 12),
    ("Houzz", 8),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trade {
    Hvac,
    Plumbing,
    Electrical,
    Roofing,
}

impl Trade {
    pub const WEIGHTED: &[(Trade, u32)] = &[
        (Trade::Hvac, 35),
        (Trade::Plumbing, 30),
        (Trade::Electrical, 20),
        (Trade::Roofing, 15),
    ];

    pub fn tag(self) -> &'static str {
        match self {
            Trade::Hvac => "hvac",
            Trade::Plumbing => "plumbing",
            Trade::Electrical => "electrical",
            Trade::Roofing => "roofing",
        }
    }

    pub fn task_titles(self) -> &'static [&'static str] {
        match self {
            Trade::Hvac => &[
                "Call to confirm furnace tune-up",
                "Send estimate for AC replacement",
                "Follow up on heat pump quote",
                "Order replacement capacitor for condenser",
                "Schedule annual HVAC maintenance",
                "Check in after smart thermostat install",
                "Send filter replacement reminder",
            ],
            Trade::Plumbing => &[
                "Follow up on water heater quote",
                "Call about leaking shutoff valve",
                "Schedule sewer line camera inspection",
                "Send invoice for drain cleaning",
                "Confirm sump pump install date",
                "Order tankless water heater",
                "Call to schedule sprinkler blowout",
            ],
            Trade::Electrical => &[
                "Send panel upgrade estimate",
                "Call to schedule EV charger install",
                "Pull permit for panel upgrade",
                "Follow up on GFCI outlet repair",
                "Confirm whole-home surge protector install",
                "Send quote for recessed lighting",
            ],
            Trade::Roofing => &[
                "Send roof inspection report",
                "Follow up on hail damage insurance claim",
                "Schedule gutter cleaning",
                "Drop off shingle color samples",
                "Confirm roof replacement start date",
                "Call about attic ventilation quote",
            ],
        }
    }

    pub fn appointment_titles(self) -> &'static [&'static str] {
        match self {
            Trade::Hvac => &[
                "Furnace tune-up",
                "AC repair – not cooling",
                "Heat pump replacement estimate",
                "Ductless mini-split estimate",
                "Annual HVAC maintenance visit",
                "Thermostat installation",
            ],
            Trade::Plumbing => &[
                "Water heater replacement estimate",
                "Drain cleaning",
                "Sump pump installation",
                "Leak detection",
                "Sewer line camera inspection",
                "Sprinkler system blowout",
            ],
            Trade::Electrical => &[
                "Panel upgrade consultation",
                "EV charger installation",
                "Outlet and switch repair",
                "Whole-home surge protection install",
                "Lighting estimate",
            ],
            Trade::Roofing => &[
                "Roof inspection",
                "Hail damage assessment",
                "Roof replacement estimate",
                "Gutter cleaning",
                "Skylight leak repair",
            ],
        }
    }

    pub fn note_bodies(self) -> &'static [&'static str] {
        match self {
            Trade::Hvac => &[
                "Homeowner says the upstairs bedrooms stay warm in the afternoon. Suggested a zoning assessment next visit.",
                "Replaced the 40/5 µF dual run capacitor; system cooling normally. Recommended a full tune-up before summer.",
                "Furnace is a 1998 Lennox, 80% efficiency. Flame sensor cleaned. Customer is open to a replacement quote in the fall.",
                "Filter was badly clogged. Showed the customer where the filter slot is and left two spares.",
                "Heat pump estimate sent: two options, 16 SEER2 and a variable-speed unit. Rebate paperwork explained.",
            ],
            Trade::Plumbing => &[
                "Water heater is 14 years old with heavy sediment. Quoted 50-gallon gas and tankless options.",
                "Main shutoff valve is seized — recommended replacing it while the water is off for the other work.",
                "Kitchen drain cleared with a cable machine. Grease buildup; advised against pouring fat down the sink.",
                "Camera inspection found root intrusion about 40 ft out. Sent video link and a hydro-jetting quote.",
                "Sprinkler blowout done, backflow preventer insulated for the winter.",
            ],
            Trade::Electrical => &[
                "Panel is a 100A Federal Pacific — recommended replacement for safety. Customer will think it over.",
                "EV charger: garage is 60 ft from the panel, needs a 60A circuit. Quote includes permit and inspection.",
                "Two bathroom GFCIs replaced; kitchen circuit trips when the microwave and toaster run together.",
                "Customer wants recessed lighting in the living room. Ceiling joists run east–west; attic access is in the hall closet.",
            ],
            Trade::Roofing => &[
                "Hail damage confirmed on the south-facing slope. Photos uploaded; insurance adjuster visit pending.",
                "Roof is about 18 years old, some granule loss but no active leaks. Re-inspect after the spring storms.",
                "Customer picked Weathered Wood shingles. Dumpster goes on the street side — HOA approval on file.",
                "Gutters cleaned; downspout on the northeast corner re-attached and extended away from the foundation.",
            ],
        }
    }
}

pub const GENERAL_TASK_TITLES: &[&str] = &[
    "Collect payment for outstanding invoice",
    "Ask for a Google review",
    "Call back about estimate questions",
    "Update billing address",
    "Renew maintenance plan",
    "Send financing application link",
];

pub const TASK_BODIES: &[&str] = &[
    "Customer prefers a call after 3 pm.",
    "Left a voicemail on the first attempt; try again and then text.",
    "Mention the spring maintenance special ($89 tune-up).",
    "Needs the landlord's approval before we book anything.",
    "They asked for the quote by email, not text.",
    "Check the job notes in Housecall Pro before calling.",
    "",
];

pub const GENERAL_NOTE_BODIES: &[&str] = &[
    "Customer asked us to text before arriving — dog in the backyard.",
    "Gate code is 4821#. Please park on the street, not the driveway.",
    "Paid in full by card. Thanked them for the referral from their neighbors.",
    "Prefers morning appointments; works from home on Tuesdays and Thursdays.",
    "Spoke with the spouse, who is the decision maker. Call back next week.",
    "Asked about financing options. Sent the pre-qualification link.",
    "Very happy with the tech. Left a 5-star review on Google.",
    "Rental property — bill the property manager, tenant will let us in.",
];

pub const NOTE_TITLES: &[&str] = &[
    "Site visit",
    "Call summary",
    "Estimate details",
    "Access instructions",
    "Billing",
    "Follow-up",
];

pub const NOTE_COLORS: &[&str] = &["#FFAA00", "#4CAF50", "#2196F3", "#E91E63", "#9C27B0"];

pub const APPOINTMENT_NOTES: &[&str] = &[
    "Bring the tall ladder for attic access.",
    "Customer will be home after noon only.",
    "Park in the alley behind the house.",
    "Repeat customer — check the service history first.",
];

/// `(tag, probability)` for the extra tags besides the trade tag.
pub const EXTRA_TAGS: &[(&str, f64)] = &[
    ("maintenance-plan", 0.22),
    ("vip", 0.08),
    ("warranty", 0.10),
    ("financing", 0.07),
    ("estimate-sent", 0.15),
];

/// Staff of the location: `(first, last)`.
pub const USERS: &[(&str, &str)] = &[
    ("Dana", "Whitfield"),
    ("Marcus", "Reyes"),
    ("Priya", "Natarajan"),
    ("Tom", "Kowalski"),
    ("Keisha", "Brooks"),
];

pub const CALENDARS: &[&str] = &["Service Calls", "Estimates", "Maintenance Visits"];

/// `(name, key)` of the location's custom fields.
pub const CUSTOM_FIELDS: &[(&str, &str)] = &[
    ("Equipment age (years)", "contact.equipment_age"),
    ("Preferred contact time", "contact.preferred_contact_time"),
    ("Gate / access code", "contact.access_code"),
    ("Service plan tier", "contact.service_plan_tier"),
];

/// `(name, key)` of the custom fields the default Housecall Pro sync mapping
/// writes (`sync::Mapping::default()`): a real location needs them created
/// once in GHL's settings, so every sandbox location has them from the start.
/// Seeded contacts leave them empty (only a sync fills them).
pub const SYNC_CUSTOM_FIELDS: &[(&str, &str)] = &[
    ("HCP customer id", "contact.hcp_customer_id"),
    ("HCP home phone", "contact.hcp_home_phone"),
    ("HCP work phone", "contact.hcp_work_phone"),
];

pub const CONTACT_TIMES: &[&str] = &["Morning", "Afternoon", "Evening", "Any time"];
pub const ACCESS_CODES: &[&str] = &[
    "Gate 4821#",
    "Lockbox 1137",
    "Side gate, no code",
    "Dog in yard – call first",
    "Key under the blue pot",
];
pub const PLAN_TIERS: &[&str] = &["Silver", "Gold", "Platinum"];

pub const OTHER_TIMEZONES: &[&str] = &["America/Phoenix", "America/Chicago", "America/Los_Angeles"];

/// What distinguishes one seeded business (GHL sub-account) from another.
#[derive(Debug, Clone, Copy)]
pub struct Business {
    pub name: &'static str,
    /// Website and staff email domain.
    pub domain: &'static str,
    pub address1: &'static str,
    pub city: &'static str,
    pub postal_code: &'static str,
    /// The trades its jobs are in, weighted.
    pub trades: &'static [(Trade, u32)],
    pub users: &'static [(&'static str, &'static str)],
}

/// Location 0: the demo's main, multi-trade business.
pub const HOME_BUSINESS: Business = Business {
    name: "Summit Home Services",
    domain: "summithomeservices.com",
    address1: "4150 Wadsworth Blvd",
    city: "Wheat Ridge",
    postal_code: "80033",
    trades: Trade::WEIGHTED,
    users: USERS,
};

/// Locations 1.., in order (cycled, with a number, beyond the list).
pub const OTHER_BUSINESSES: &[Business] = &[
    Business {
        name: "Brightside Electric Co.",
        domain: "brightsideelectric.com",
        address1: "2290 S Broadway",
        city: "Denver",
        postal_code: "80210",
        trades: &[(Trade::Electrical, 100)],
        users: &[
            ("Luis", "Ortega"),
            ("Hannah", "Schmidt"),
            ("DeShawn", "Carter"),
        ],
    },
    Business {
        name: "Mile High Plumbing & Heating",
        domain: "milehighplumbingheating.com",
        address1: "6801 W 44th Ave",
        city: "Arvada",
        postal_code: "80003",
        trades: &[(Trade::Plumbing, 65), (Trade::Hvac, 35)],
        users: &[
            ("Gwen", "Albright"),
            ("Rafael", "Duarte"),
            ("Connor", "Walsh"),
            ("Mei", "Chen"),
        ],
    },
    Business {
        name: "Ridgeline Roofing & Gutters",
        domain: "ridgelineroofing.com",
        address1: "1105 S Santa Fe Dr",
        city: "Littleton",
        postal_code: "80120",
        trades: &[(Trade::Roofing, 100)],
        users: &[
            ("Brett", "Lindqvist"),
            ("Amara", "Okafor"),
            ("Jesse", "Romero"),
        ],
    },
    Business {
        name: "Front Range Comfort Air",
        domain: "frontrangecomfortair.com",
        address1: "9650 E Arapahoe Rd",
        city: "Centennial",
        postal_code: "80112",
        trades: &[(Trade::Hvac, 90), (Trade::Electrical, 10)],
        users: &[("Tessa", "Moreau"), ("Andre", "Jackson"), ("Kim", "Nguyen")],
    },
];
