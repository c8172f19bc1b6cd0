/**
 * Reference values the generator and the scenarios draw from: first-party application ids, role
 * template ids, places, networks, devices, authenticator models and the exact strings Entra ID writes
 * into its logs. Values come from ../shared/reference (graph-entra.md §5–§9, peers.md §A12, §C) and
 * public Microsoft documentation; IP ranges are synthetic but shaped like real allocations.
 */

/** First-party applications as they appear in sign-in logs (appId → appDisplayName). */
export const FIRST_PARTY = {
  authBroker: {
    appId: "29d9ed98-a469-4536-ade2-f981bc1d605e",
    displayName: "Microsoft Authentication Broker",
  },
  deviceRegistration: {
    appId: "01cb2876-7ebd-4aa4-9cc9-d28bd4d359a9",
    displayName: "Device Registration Service",
  },
  azurePortal: { appId: "c44b4083-3bb0-49c1-b47d-974e53cbdf3c", displayName: "Azure Portal" },
  officeHome: { appId: "4765445b-32c6-49b0-83e6-1d93765276ca", displayName: "OfficeHome" },
  office: { appId: "d3590ed6-52b3-4102-aeff-aad2292ab01c", displayName: "Microsoft Office" },
  teams: { appId: "1fec8e78-bce4-4aaf-ab1b-5451cc387264", displayName: "Microsoft Teams" },
  outlookMobile: { appId: "27922004-5251-4030-b22d-91ecd9a37ea4", displayName: "Outlook Mobile" },
  mySignins: { appId: "19db86c3-b2b9-44cc-b339-36da233a3be2", displayName: "My Signins" },
  windowsSignIn: { appId: "38aa3b87-a06d-4817-b275-7a316988d93b", displayName: "Windows Sign In" },
  azureAdPowerShell: {
    appId: "1b730954-1685-4b74-9bfd-dac224a7b894",
    displayName: "Azure Active Directory PowerShell",
  },
  azureCli: { appId: "04b07795-8ddb-461a-bbee-02f9e1bf7b46", displayName: "Microsoft Azure CLI" },
  companyPortal: {
    appId: "9ba1a5c7-f17a-4de9-a1f1-6178c8d51223",
    displayName: "Microsoft Intune Company Portal",
  },
  edge: { appId: "ecd6b820-32c2-49b6-98a6-444530e5a77a", displayName: "Microsoft Edge" },
} as const;
export type FirstPartyApp = (typeof FIRST_PARTY)[keyof typeof FIRST_PARTY];

/** Resources (resourceId → resourceDisplayName) that sign-ins target. */
export const RESOURCES = {
  graph: { id: "00000003-0000-0000-c000-000000000000", displayName: "Microsoft Graph" },
  exchange: { id: "00000002-0000-0ff1-ce00-000000000000", displayName: "Office 365 Exchange Online" },
  sharePoint: { id: "00000003-0000-0ff1-ce00-000000000000", displayName: "Office 365 SharePoint Online" },
  teamsService: { id: "cc15fd57-2c6c-4117-a88c-83b1d56b4bbe", displayName: "Microsoft Teams Services" },
  drs: { id: "01cb2876-7ebd-4aa4-9cc9-d28bd4d359a9", displayName: "Device Registration Service" },
  azureManagement: {
    id: "797f4846-ba00-4fd7-ba43-dac1f8f63013",
    displayName: "Windows Azure Service Management API",
  },
  windowsAzureAd: {
    id: "00000002-0000-0000-c000-000000000000",
    displayName: "Windows Azure Active Directory",
  },
} as const;
export type Resource = (typeof RESOURCES)[keyof typeof RESOURCES];

/** Directory role template ids (tenant-independent; graph-entra.md §9.5). */
export const ROLES = {
  globalAdministrator: { id: "62e90394-69f5-4237-9190-012177145e10", displayName: "Global Administrator" },
  privilegedRoleAdministrator: {
    id: "e8611ab8-c189-46e8-94e1-60213ab1f814",
    displayName: "Privileged Role Administrator",
  },
  privilegedAuthenticationAdministrator: {
    id: "7be44c8a-adaf-4e2a-84d6-ab2649e08a13",
    displayName: "Privileged Authentication Administrator",
  },
  authenticationAdministrator: {
    id: "c4e39bd9-1100-46d3-8c65-fb160da0071f",
    displayName: "Authentication Administrator",
  },
  authenticationPolicyAdministrator: {
    id: "0526716b-113d-4c15-b2c8-68e3c22b9f80",
    displayName: "Authentication Policy Administrator",
  },
  userAdministrator: { id: "fe930be7-5e62-47db-91af-98c3a49a38b1", displayName: "User Administrator" },
  cloudDeviceAdministrator: {
    id: "7698a772-787b-4ac8-901f-60d6b08affd2",
    displayName: "Cloud Device Administrator",
  },
  securityAdministrator: {
    id: "194ae4cb-b126-40b2-bd5b-6091b380977d",
    displayName: "Security Administrator",
  },
  helpdeskAdministrator: {
    id: "729827e3-9c14-49f7-bb1b-9608f156bbb8",
    displayName: "Helpdesk Administrator",
  },
  conditionalAccessAdministrator: {
    id: "b1be1c3e-b65d-4f19-8427-f6fa0d97feb9",
    displayName: "Conditional Access Administrator",
  },
  passwordAdministrator: {
    id: "966707d0-3269-4727-9be2-8c3a10f19b9d",
    displayName: "Password Administrator",
  },
  intuneAdministrator: { id: "3a2c62db-5318-420d-8d74-23affee5d9d5", displayName: "Intune Administrator" },
  globalReader: { id: "f2ef992c-3afb-46b9-b7cf-a126ee74c451", displayName: "Global Reader" },
  securityReader: { id: "5d6b6bb7-de71-4623-b4af-96380a352509", displayName: "Security Reader" },
  applicationAdministrator: {
    id: "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3",
    displayName: "Application Administrator",
  },
  cloudApplicationAdministrator: {
    id: "158c047a-c907-4556-b7ef-446551a6b5f7",
    displayName: "Cloud Application Administrator",
  },
} as const;

/** Roles that make an account privileged (ScubaGear's highly-privileged tier plus the auth roles). */
export const PRIVILEGED_ROLE_IDS: ReadonlySet<string> = new Set([
  ROLES.globalAdministrator.id,
  ROLES.privilegedRoleAdministrator.id,
  ROLES.privilegedAuthenticationAdministrator.id,
  ROLES.authenticationAdministrator.id,
  ROLES.userAdministrator.id,
  ROLES.securityAdministrator.id,
  ROLES.conditionalAccessAdministrator.id,
  ROLES.helpdeskAdministrator.id,
  ROLES.applicationAdministrator.id,
  ROLES.cloudApplicationAdministrator.id,
]);

/** Application permissions of the responder app: everything collect, evict and posture call. */
export const RESPONDER_PERMISSIONS = [
  "User.Read.All",
  "Group.Read.All",
  "Device.ReadWrite.All",
  "AuditLog.Read.All",
  "Directory.Read.All",
  "RoleManagement.Read.Directory",
  "Policy.Read.All",
  "Policy.Read.AuthenticationMethod",
  "Policy.Read.DeviceConfiguration",
  "Policy.ReadWrite.ConditionalAccess",
  // Read for collect (permissions.json lists only Read.All for listing risky users), ReadWrite for
  // confirming a user compromised.
  "IdentityRiskyUser.Read.All",
  "IdentityRiskyUser.ReadWrite.All",
  "IdentityRiskEvent.Read.All",
  "UserAuthenticationMethod.ReadWrite.All",
  "User-PasswordProfile.ReadWrite.All",
  "User.EnableDisableAccount.All",
  "User.RevokeSessions.All",
  "DeviceManagementManagedDevices.Read.All",
  "DeviceManagementManagedDevices.PrivilegedOperations.All",
] as const;

/** Read-only twin of the responder app (collect, detect, posture without writes). */
export const READER_PERMISSIONS = [
  "User.Read.All",
  "Group.Read.All",
  "Device.Read.All",
  "AuditLog.Read.All",
  "Directory.Read.All",
  "RoleManagement.Read.Directory",
  "Policy.Read.All",
  "Policy.Read.AuthenticationMethod",
  "Policy.Read.DeviceConfiguration",
  "IdentityRiskyUser.Read.All",
  "IdentityRiskEvent.Read.All",
  "UserAuthenticationMethod.Read.All",
  "DeviceManagementManagedDevices.Read.All",
] as const;

export interface City {
  city: string;
  state: string;
  country: string;
  latitude: number;
  longitude: number;
  /** IANA zone for documentation; `utcOffset` (hours, standard time) drives the generator. */
  timezone: string;
  utcOffset: number;
  /** Residential ISP: ASN and the /16 its customer addresses come from. */
  ispAsn: number;
  ispPrefix: string;
  /** Mobile country code prefix and national number shape for E.164 numbers. */
  dial: string;
}

/** Home cities of the workforce (company offices are in the first four). */
export const CITIES: readonly City[] = [
  {
    city: "Seattle",
    state: "Washington",
    country: "US",
    latitude: 47.6062,
    longitude: -122.3321,
    timezone: "America/Los_Angeles",
    utcOffset: -8,
    ispAsn: 7922,
    ispPrefix: "73.97",
    dial: "+1",
  },
  {
    city: "London",
    state: "England",
    country: "GB",
    latitude: 51.5072,
    longitude: -0.1276,
    timezone: "Europe/London",
    utcOffset: 0,
    ispAsn: 2856,
    ispPrefix: "86.143",
    dial: "+44",
  },
  {
    city: "Berlin",
    state: "Berlin",
    country: "DE",
    latitude: 52.52,
    longitude: 13.405,
    timezone: "Europe/Berlin",
    utcOffset: 1,
    ispAsn: 3320,
    ispPrefix: "91.64",
    dial: "+49",
  },
  {
    city: "Toronto",
    state: "Ontario",
    country: "CA",
    latitude: 43.6532,
    longitude: -79.3832,
    timezone: "America/Toronto",
    utcOffset: -5,
    ispAsn: 812,
    ispPrefix: "99.230",
    dial: "+1",
  },
  {
    city: "New York",
    state: "New York",
    country: "US",
    latitude: 40.7128,
    longitude: -74.006,
    timezone: "America/New_York",
    utcOffset: -5,
    ispAsn: 12271,
    ispPrefix: "67.244",
    dial: "+1",
  },
  {
    city: "Chicago",
    state: "Illinois",
    country: "US",
    latitude: 41.8781,
    longitude: -87.6298,
    timezone: "America/Chicago",
    utcOffset: -6,
    ispAsn: 7922,
    ispPrefix: "24.13",
    dial: "+1",
  },
  {
    city: "Austin",
    state: "Texas",
    country: "US",
    latitude: 30.2672,
    longitude: -97.7431,
    timezone: "America/Chicago",
    utcOffset: -6,
    ispAsn: 11427,
    ispPrefix: "70.114",
    dial: "+1",
  },
  {
    city: "Manchester",
    state: "England",
    country: "GB",
    latitude: 53.4808,
    longitude: -2.2426,
    timezone: "Europe/London",
    utcOffset: 0,
    ispAsn: 5089,
    ispPrefix: "82.12",
    dial: "+44",
  },
  {
    city: "Munich",
    state: "Bavaria",
    country: "DE",
    latitude: 48.1351,
    longitude: 11.582,
    timezone: "Europe/Berlin",
    utcOffset: 1,
    ispAsn: 3209,
    ispPrefix: "88.217",
    dial: "+49",
  },
  {
    city: "Paris",
    state: "Île-de-France",
    country: "FR",
    latitude: 48.8566,
    longitude: 2.3522,
    timezone: "Europe/Paris",
    utcOffset: 1,
    ispAsn: 3215,
    ispPrefix: "90.63",
    dial: "+33",
  },
  {
    city: "Amsterdam",
    state: "North Holland",
    country: "NL",
    latitude: 52.3676,
    longitude: 4.9041,
    timezone: "Europe/Amsterdam",
    utcOffset: 1,
    ispAsn: 1136,
    ispPrefix: "145.53",
    dial: "+31",
  },
  {
    city: "Dublin",
    state: "Leinster",
    country: "IE",
    latitude: 53.3498,
    longitude: -6.2603,
    timezone: "Europe/Dublin",
    utcOffset: 0,
    ispAsn: 5466,
    ispPrefix: "86.40",
    dial: "+353",
  },
  {
    city: "Madrid",
    state: "Madrid",
    country: "ES",
    latitude: 40.4168,
    longitude: -3.7038,
    timezone: "Europe/Madrid",
    utcOffset: 1,
    ispAsn: 3352,
    ispPrefix: "83.45",
    dial: "+34",
  },
  {
    city: "Bengaluru",
    state: "Karnataka",
    country: "IN",
    latitude: 12.9716,
    longitude: 77.5946,
    timezone: "Asia/Kolkata",
    utcOffset: 5.5,
    ispAsn: 24560,
    ispPrefix: "122.171",
    dial: "+91",
  },
  {
    city: "Sydney",
    state: "New South Wales",
    country: "AU",
    latitude: -33.8688,
    longitude: 151.2093,
    timezone: "Australia/Sydney",
    utcOffset: 10,
    ispAsn: 1221,
    ispPrefix: "101.175",
    dial: "+61",
  },
  {
    city: "Tokyo",
    state: "Tokyo",
    country: "JP",
    latitude: 35.6762,
    longitude: 139.6503,
    timezone: "Asia/Tokyo",
    utcOffset: 9,
    ispAsn: 2516,
    ispPrefix: "106.73",
    dial: "+81",
  },
];

/** Where people legitimately travel (business trips, holidays). */
export const TRAVEL_CITIES: readonly City[] = [
  {
    city: "Lisbon",
    state: "Lisboa",
    country: "PT",
    latitude: 38.7223,
    longitude: -9.1393,
    timezone: "Europe/Lisbon",
    utcOffset: 0,
    ispAsn: 3243,
    ispPrefix: "85.243",
    dial: "+351",
  },
  {
    city: "Barcelona",
    state: "Catalonia",
    country: "ES",
    latitude: 41.3874,
    longitude: 2.1686,
    timezone: "Europe/Madrid",
    utcOffset: 1,
    ispAsn: 3352,
    ispPrefix: "80.28",
    dial: "+34",
  },
  {
    city: "Singapore",
    state: "Singapore",
    country: "SG",
    latitude: 1.3521,
    longitude: 103.8198,
    timezone: "Asia/Singapore",
    utcOffset: 8,
    ispAsn: 7473,
    ispPrefix: "116.12",
    dial: "+65",
  },
  {
    city: "San Francisco",
    state: "California",
    country: "US",
    latitude: 37.7749,
    longitude: -122.4194,
    timezone: "America/Los_Angeles",
    utcOffset: -8,
    ispAsn: 7018,
    ispPrefix: "107.77",
    dial: "+1",
  },
  {
    city: "Rome",
    state: "Lazio",
    country: "IT",
    latitude: 41.9028,
    longitude: 12.4964,
    timezone: "Europe/Rome",
    utcOffset: 1,
    ispAsn: 3269,
    ispPrefix: "79.33",
    dial: "+39",
  },
  {
    city: "Mexico City",
    state: "CDMX",
    country: "MX",
    latitude: 19.4326,
    longitude: -99.1332,
    timezone: "America/Mexico_City",
    utcOffset: -6,
    ispAsn: 8151,
    ispPrefix: "189.203",
    dial: "+52",
  },
];

/** Hosting / VPN networks attackers sign in from (ASN, provider, a /16 of it, geolocated city). */
export interface HostileNetwork {
  asn: number;
  provider: string;
  prefix: string;
  city: City;
}
export const HOSTILE_NETWORKS: readonly HostileNetwork[] = [
  {
    asn: 9009,
    provider: "M247 Europe SRL",
    prefix: "185.156",
    city: {
      city: "Bucharest",
      state: "Bucuresti",
      country: "RO",
      latitude: 44.4268,
      longitude: 26.1025,
      timezone: "Europe/Bucharest",
      utcOffset: 2,
      ispAsn: 9009,
      ispPrefix: "185.156",
      dial: "+40",
    },
  },
  {
    asn: 14061,
    provider: "DigitalOcean, LLC",
    prefix: "167.99",
    city: {
      city: "Frankfurt am Main",
      state: "Hesse",
      country: "DE",
      latitude: 50.1109,
      longitude: 8.6821,
      timezone: "Europe/Berlin",
      utcOffset: 1,
      ispAsn: 14061,
      ispPrefix: "167.99",
      dial: "+49",
    },
  },
  {
    asn: 212238,
    provider: "Datacamp Limited",
    prefix: "146.70",
    city: {
      city: "Riga",
      state: "Riga",
      country: "LV",
      latitude: 56.9496,
      longitude: 24.1052,
      timezone: "Europe/Riga",
      utcOffset: 2,
      ispAsn: 212238,
      ispPrefix: "146.70",
      dial: "+371",
    },
  },
  {
    asn: 20473,
    provider: "The Constant Company, LLC",
    prefix: "45.77",
    city: {
      city: "Singapore",
      state: "Singapore",
      country: "SG",
      latitude: 1.3521,
      longitude: 103.8198,
      timezone: "Asia/Singapore",
      utcOffset: 8,
      ispAsn: 20473,
      ispPrefix: "45.77",
      dial: "+65",
    },
  },
  {
    asn: 16276,
    provider: "OVH SAS",
    prefix: "51.195",
    city: {
      city: "Gravelines",
      state: "Hauts-de-France",
      country: "FR",
      latitude: 50.9866,
      longitude: 2.1283,
      timezone: "Europe/Paris",
      utcOffset: 1,
      ispAsn: 16276,
      ispPrefix: "51.195",
      dial: "+33",
    },
  },
  {
    asn: 49453,
    provider: "Global Layer B.V.",
    prefix: "194.26",
    city: {
      city: "Amsterdam",
      state: "North Holland",
      country: "NL",
      latitude: 52.3676,
      longitude: 4.9041,
      timezone: "Europe/Amsterdam",
      utcOffset: 1,
      ispAsn: 49453,
      ispPrefix: "194.26",
      dial: "+31",
    },
  },
];

export const GIVEN_NAMES = [
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
  "Charles",
  "Karen",
  "Daniel",
  "Lisa",
  "Matthew",
  "Nancy",
  "Anthony",
  "Betty",
  "Mark",
  "Sandra",
  "Steven",
  "Ashley",
  "Paul",
  "Emily",
  "Andrew",
  "Michelle",
  "Joshua",
  "Amanda",
  "Kevin",
  "Melissa",
  "Brian",
  "Deborah",
  "Oliver",
  "Amelia",
  "Harry",
  "Isla",
  "George",
  "Ava",
  "Noah",
  "Mia",
  "Jack",
  "Ivy",
  "Lukas",
  "Hannah",
  "Felix",
  "Lea",
  "Jonas",
  "Emma",
  "Maximilian",
  "Sophie",
  "Leon",
  "Marie",
  "Hugo",
  "Chloé",
  "Louis",
  "Camille",
  "Gabriel",
  "Léa",
  "Arthur",
  "Manon",
  "Jules",
  "Inès",
  "Sem",
  "Julia",
  "Daan",
  "Tess",
  "Finn",
  "Saar",
  "Aoife",
  "Cian",
  "Niamh",
  "Oisín",
  "Lucía",
  "Mateo",
  "Sofía",
  "Hugo",
  "Martina",
  "Álvaro",
  "Aarav",
  "Ananya",
  "Vihaan",
  "Diya",
  "Arjun",
  "Saanvi",
  "Haruto",
  "Yui",
  "Sota",
  "Hina",
  "Ren",
  "Sakura",
  "Chloe",
  "Liam",
  "Zoë",
  "Björn",
  "Søren",
  "Ingrid",
  "Mikael",
  "Astrid",
  "Priya",
  "Rohan",
  "Kenji",
  "Aiko",
];

export const SURNAMES = [
  "Smith",
  "Johnson",
  "Williams",
  "Brown",
  "Jones",
  "Garcia",
  "Miller",
  "Davis",
  "Rodriguez",
  "Martinez",
  "Hernandez",
  "Lopez",
  "Gonzalez",
  "Wilson",
  "Anderson",
  "Thomas",
  "Taylor",
  "Moore",
  "Jackson",
  "Martin",
  "Lee",
  "Perez",
  "Thompson",
  "White",
  "Harris",
  "Sanchez",
  "Clark",
  "Ramirez",
  "Lewis",
  "Robinson",
  "Walker",
  "Young",
  "Allen",
  "King",
  "Wright",
  "Scott",
  "Torres",
  "Nguyen",
  "Hill",
  "Flores",
  "Müller",
  "Schmidt",
  "Schneider",
  "Fischer",
  "Weber",
  "Meyer",
  "Wagner",
  "Becker",
  "Schulz",
  "Hoffmann",
  "Dubois",
  "Lefèvre",
  "Moreau",
  "Laurent",
  "Simon",
  "Michel",
  "Garnier",
  "Faure",
  "Rousseau",
  "Blanc",
  "de Jong",
  "Jansen",
  "de Vries",
  "van den Berg",
  "Bakker",
  "Visser",
  "Murphy",
  "Kelly",
  "O'Sullivan",
  "Walsh",
  "Fernández",
  "González",
  "Rodríguez",
  "López",
  "Martínez",
  "Pérez",
  "Sharma",
  "Patel",
  "Iyer",
  "Reddy",
  "Nair",
  "Gupta",
  "Sato",
  "Suzuki",
  "Takahashi",
  "Tanaka",
  "Watanabe",
  "Ito",
  "Nakamura",
  "Kobayashi",
  "Evans",
  "Roberts",
  "Edwards",
  "Hughes",
  "Green",
  "Hall",
  "Wood",
  "Cooper",
  "Lindqvist",
  "Ångström",
];

export const DEPARTMENTS: readonly { name: string; titles: readonly string[]; weight: number }[] = [
  {
    name: "Sales",
    titles: ["Account Executive", "Sales Manager", "Sales Development Representative"],
    weight: 18,
  },
  {
    name: "Engineering",
    titles: ["Software Engineer", "Senior Software Engineer", "Engineering Manager", "SRE"],
    weight: 22,
  },
  {
    name: "Finance",
    titles: ["Financial Analyst", "Accountant", "Controller", "Payroll Specialist"],
    weight: 8,
  },
  { name: "Human Resources", titles: ["HR Business Partner", "Recruiter", "HR Coordinator"], weight: 5 },
  {
    name: "Marketing",
    titles: ["Marketing Manager", "Content Strategist", "Product Marketing Manager"],
    weight: 8,
  },
  {
    name: "Operations",
    titles: ["Operations Analyst", "Logistics Coordinator", "Facilities Manager"],
    weight: 12,
  },
  {
    name: "Customer Success",
    titles: ["Customer Success Manager", "Support Engineer", "Support Specialist"],
    weight: 14,
  },
  { name: "Legal", titles: ["Counsel", "Paralegal", "Compliance Officer"], weight: 3 },
  {
    name: "Executive",
    titles: ["Chief Financial Officer", "Chief Operating Officer", "Executive Assistant"],
    weight: 1,
  },
];

/** Microsoft 365 SKU ids (assignedLicenses). */
export const SKUS = {
  e3: "05e9a617-0261-4cee-bb44-138d3ef5d965",
  e5: "06ebc4ee-1bb5-47dd-8120-11324bc54e06",
  f3: "66b55226-6b4f-492c-910c-a3b7a3c9d993",
  entraP2: "84a661c4-e949-4bd2-a560-ed7766fcaf2b",
} as const;

export interface PhoneModel {
  displayName: string;
  os: "iOS" | "Android";
  osVersions: readonly string[];
  appVersions: readonly string[];
}
export const PHONE_MODELS: readonly PhoneModel[] = [
  { displayName: "iPhone 15", os: "iOS", osVersions: ["17.6.1", "18.1"], appVersions: ["6.8.14", "6.8.16"] },
  {
    displayName: "iPhone 14 Pro",
    os: "iOS",
    osVersions: ["17.5.1", "18.0.1"],
    appVersions: ["6.8.12", "6.8.14"],
  },
  { displayName: "iPhone 13", os: "iOS", osVersions: ["17.4", "17.6.1"], appVersions: ["6.8.10", "6.8.14"] },
  { displayName: "iPhone 16", os: "iOS", osVersions: ["18.1", "18.1.1"], appVersions: ["6.8.16"] },
  {
    displayName: "Pixel 8",
    os: "Android",
    osVersions: ["14", "15"],
    appVersions: ["6.2409.6094", "6.2410.6712"],
  },
  { displayName: "Pixel 7a", os: "Android", osVersions: ["14"], appVersions: ["6.2408.5415", "6.2409.6094"] },
  { displayName: "SM-S918B", os: "Android", osVersions: ["14"], appVersions: ["6.2409.6094", "6.2410.6712"] },
  {
    displayName: "SM-A546B",
    os: "Android",
    osVersions: ["13", "14"],
    appVersions: ["6.2407.4872", "6.2409.6094"],
  },
];

/** FIDO2 authenticators by AAGUID (published in the FIDO metadata service / Entra docs). */
export const FIDO2_MODELS: readonly { aaGuid: string; model: string; displayName: string }[] = [
  {
    aaGuid: "2fc0579f-8113-47ea-b116-555a8db9202a",
    model: "YubiKey 5 Series with NFC",
    displayName: "YubiKey",
  },
  { aaGuid: "ee882879-721c-4913-9775-3dfcce97072a", model: "YubiKey 5 Series", displayName: "Work key" },
  { aaGuid: "c5ef55ff-ad9a-4b9f-b580-adebafe026d0", model: "YubiKey 5Ci", displayName: "YubiKey 5Ci" },
  {
    aaGuid: "90a3ccdf-635c-4729-a248-9b709135078f",
    model: "Microsoft Authenticator - iOS",
    displayName: "iPhone passkey",
  },
  {
    aaGuid: "de1e552d-db1d-4423-a619-566b625cdc84",
    model: "Microsoft Authenticator - Android",
    displayName: "Android passkey",
  },
];

export const WINDOWS_VERSIONS = [
  "10.0.22631.4460",
  "10.0.22631.4391",
  "10.0.26100.2314",
  "10.0.19045.5131",
] as const;
export const MAC_VERSIONS = ["14.7.1", "15.1"] as const;

/** Tool defaults that betray ROADtools / AADInternals / phishing-kit registrations (peers.md §A12, §C14). */
export const TOOL_FINGERPRINTS = {
  roadtoolsWindowsVersion: "10.0.19041.928",
  aadInternalsWindowsVersion: "10.0.19041.804",
  phishKitWindowsVersion: "10.0.19045.2006",
  roadtoolsDomain: "iminyour.cloud",
} as const;

export const USER_AGENTS = {
  edgeWindows:
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0",
  chromeMac:
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36",
  safariIphone:
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_6_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1",
  authenticatorIos: "Authenticator/6.8.14 (iPhone; iOS 17.6.1; Scale/3.00)",
  windowsAadProvider: "Windows-AzureAD-Authentication-Provider/1.0",
  teamsDesktop:
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0 Teams/24295.605.3225.8804",
  outlookIos: "Outlook-iOS/2.0",
  outlookAndroid: "Dalvik/2.1.0 (Linux; U; Android 14; Pixel 8 Build/AP2A.240805.005)",
  /** Python requests default: what ROADtools' roadtx sends to token endpoints unless told otherwise. */
  pythonRequests: "python-requests/2.31.0",
  /** AADInternals' Set-AADIntUserAgent default value. */
  aadInternals: "AADInternals",
  /** PowerShell's Invoke-RestMethod default on Windows PowerShell 5.1. */
  powershell: "Mozilla/5.0 (Windows NT; Windows NT 10.0; en-US) WindowsPowerShell/5.1.19041.4291",
} as const;

/** `Dsreg/10.0 (Windows <version>)`: the Windows join client as DRS records it. */
export function dsregUserAgent(windowsVersion: string): string {
  return `Dsreg/10.0 (Windows ${windowsVersion})`;
}

/** Sign-in failure codes and the strings Entra writes for them (graph-entra.md §6.4). */
export const SIGNIN_ERRORS = {
  invalidPassword: {
    errorCode: 50126,
    failureReason: "Error validating credentials due to invalid username or password.",
  },
  mfaRequiredInterrupt: {
    errorCode: 50074,
    failureReason: "Strong Authentication is required.",
    additionalDetails:
      "The user didn't complete the MFA prompt. They may have decided not to authenticate, timed out while doing other work, or has an issue with their authentication setup.",
  },
  mfaRequiredByPolicy: {
    errorCode: 50076,
    failureReason:
      "Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access the resource.",
    additionalDetails: "MFA required in Azure AD",
  },
  mfaDenied: {
    errorCode: 500121,
    failureReason: "Authentication failed during strong authentication request.",
    additionalDetails: "MFA denied; user declined the authentication",
  },
  mfaNoResponse: {
    errorCode: 500121,
    failureReason: "Authentication failed during strong authentication request.",
    additionalDetails: "MFA denied; user did not respond to mobile app notification",
  },
  accountLocked: {
    errorCode: 50053,
    failureReason:
      "Account is locked because user tried to sign in too many times with an incorrect user ID or password.",
  },
  keepMeSignedIn: {
    errorCode: 50140,
    failureReason: "This error occurred due to 'Keep me signed in' interrupt when the user was signing-in.",
  },
  deviceCodePending: {
    errorCode: 50199,
    failureReason:
      "For security reasons, user confirmation is required for this request. Please repeat the request allowing user interaction.",
  },
} as const;

/** `resultReason` of "User registered security info" per method (graph-entra.md §5.3). */
export const REGISTRATION_REASONS = {
  authenticator: "User registered Authenticator App with Notification and Code",
  phone: "User registered Mobile Phone SMS",
  alternatePhone: "User registered Alternate Mobile Phone Call",
  officePhone: "User registered Office Phone Call",
  fido2: "User registered Fido",
  email: "User registered Email",
  softwareOath: "User registered Authenticator App with Code",
  windowsHello: "User registered Windows Hello for Business",
  tap: "User registered temporary access pass method",
} as const;

/** StrongAuthenticationMethod MethodType codes as they appear in Core Directory "Update user" audits. */
export const STRONG_AUTH_METHOD_TYPE = {
  oneWaySms: 0,
  twoWayVoiceMobile: 1,
  phoneAppOtp: 5,
  phoneAppNotification: 6,
} as const;

export const INTUNE_MDM_APP_ID = "0000000a-0000-0000-c000-000000000000";
